namespace JiaoLianTi.Activities.Alliances;

/// <summary>
/// Activities' own read model of the alliances it has heard of (from Alliances' integration events). Activities
/// never reads Alliances' database. <see cref="LeadUnitId"/> is the lead school of a school alliance, if named.
/// </summary>
public sealed record KnownAlliance(
    Guid Id, string Name, string Kind, string CountyCode, string LeadUnit, DateTimeOffset EstablishedAt,
    Guid? LeadUnitId = null);
