namespace JiaoLianTi.Alliances.Contracts;

/// <summary>
/// 教联体成立: an alliance was established (first time, or again after a suspension: see <see cref="AllianceReestablished"/>).
/// Published once per establishment (MessageId = the event's id).
/// Version 1. Contracts change only by adding optional members; a breaking change is a new record.
/// </summary>
/// <param name="AllianceId">The alliance's stream id.</param>
/// <param name="Name">The alliance's public name.</param>
/// <param name="Kind"><c>Regional</c> (区域教联体, led by a county education bureau) or <c>School</c> (校级教联体).</param>
/// <param name="CountyCode">The 6-digit division code (GB/T 2260) of its county.</param>
/// <param name="LeadUnit">The name of the unit that leads it.</param>
/// <param name="EstablishedAt">When it was established.</param>
/// <param name="LeadUnitId">The registered member unit that leads it (the school of a school alliance), if any.
/// The lead unit is also announced as a member by <see cref="MemberJoined"/> with role <c>Lead</c>.</param>
/// <param name="Version">The fact's place in the alliance's history (see <see cref="FactOrder"/>).</param>
/// <zh>教联体成立：县级教育局或学校成立了一个教联体（首次成立，或暂停后恢复前的成立）。其他服务据此得知教联体及其牵头单位。</zh>
/// <en>An alliance was established (by a county education bureau or a school). Other services learn the alliance and its lead unit from it.</en>
/// <version>2</version>
public sealed record AllianceEstablished(
    Guid AllianceId, string Name, string Kind, string CountyCode, string LeadUnit, DateTimeOffset EstablishedAt,
    Guid? LeadUnitId = null, long? Version = null);

/// <summary>教联体暂停: an established alliance was suspended. Its members stay members, but it takes on no new work.</summary>
/// <zh>教联体暂停：已成立的教联体被暂停，成员仍在，但不再承接新工作。</zh>
/// <en>An established alliance was suspended: its members stay, it takes on no new work.</en>
/// <version>2</version>
public sealed record AllianceSuspended(
    Guid AllianceId, string CountyCode, string Reason, DateTimeOffset SuspendedAt, long? Version = null);

/// <summary>教联体恢复: a suspended alliance was established again.</summary>
/// <zh>教联体恢复：暂停的教联体重新成立。</zh>
/// <en>A suspended alliance was established again.</en>
/// <version>2</version>
public sealed record AllianceReestablished(Guid AllianceId, string CountyCode, DateTimeOffset ReestablishedAt, long? Version = null);

/// <summary>教联体撤销: an alliance was dissolved, for good. Every membership of it ends at the same moment.</summary>
/// <zh>教联体撤销：教联体被永久撤销，其全部成员关系同时结束。</zh>
/// <en>An alliance was dissolved for good; every membership of it ends at the same moment.</en>
/// <version>2</version>
public sealed record AllianceDissolved(
    Guid AllianceId, string CountyCode, string Reason, DateTimeOffset DissolvedAt, long? Version = null);
