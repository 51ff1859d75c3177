namespace JiaoLianTi.Alliances.Contracts;

/// <summary>
/// 教联体成立: an alliance was established. Published once per establishment (MessageId = the event's id).
/// Version 1. Contracts change only by adding optional members; a breaking change is a new record.
/// </summary>
/// <param name="AllianceId">The alliance's stream id.</param>
/// <param name="Name">The alliance's public name.</param>
/// <param name="Kind"><c>Regional</c> (区域教联体, led by a county education bureau) or <c>School</c> (校级教联体).</param>
/// <param name="CountyCode">The 6-digit division code (GB/T 2260) of its county.</param>
/// <param name="LeadUnit">The name of the unit that leads it.</param>
/// <param name="EstablishedAt">When it was established.</param>
public sealed record AllianceEstablished(
    Guid AllianceId, string Name, string Kind, string CountyCode, string LeadUnit, DateTimeOffset EstablishedAt);
