namespace JiaoLianTi.Wellbeing.Contracts;

// Wellbeing's (心链网络) integration events: opaque ids, tiers and statuses only. No name, birth date, class or free
// text about a child ever leaves the service (a test scans every contract). The health department subscribes to
// referrals. Version 1. Contracts change only by adding optional members; a breaking change is a new record.

/// <summary>转介: a student was referred to a hospital or mental-health centre of the school's alliance.</summary>
/// <param name="Urgency"><c>Routine</c>, <c>Priority</c> or <c>Urgent</c>.</param>
/// <param name="HealthScreeningRoundId">医教互促: the hospital's screening round whose result past a threshold made the referral
/// (null when a school's carer referred). Added in version 1.1.</param>
public sealed record ReferralMade(
    Guid ReferralId, Guid StudentId, Guid SchoolId, Guid UnitId, string CountyCode, string Urgency, DateTimeOffset MadeAt,
    Guid? HealthScreeningRoundId = null);

/// <summary>转介超时: a referral step passed its SLA.</summary>
/// <param name="Step"><c>Acceptance</c>, <c>Appointment</c> or <c>Return</c>.</param>
public sealed record ReferralOverdue(Guid ReferralId, Guid SchoolId, Guid UnitId, string Step, DateTimeOffset DetectedAt);

/// <summary>危机升级: a crisis chain reached a level (county and above are told). No personal data.</summary>
/// <param name="Level"><c>Counsellor</c>, <c>Principal</c>, <c>Guardian</c>, <c>County</c>.</param>
public sealed record CrisisEscalated(Guid EscalationId, Guid SchoolId, string CountyCode, string Level, DateTimeOffset EscalatedAt);

/// <summary>帮扶档案建立: a tripartite support plan was opened for a student.</summary>
public sealed record SupportPlanOpened(Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, DateTimeOffset OpenedAt);

/// <summary>帮扶档案结案: a support plan was closed.</summary>
/// <param name="Outcome"><c>GoalsMet</c>, <c>Transferred</c>, <c>Withdrawn</c> …</param>
public sealed record SupportPlanClosed(Guid PlanId, Guid SchoolId, string CountyCode, string Outcome, DateTimeOffset ClosedAt);

/// <summary>
/// 删除儿童个人数据: a child's personal data is to be erased everywhere (docs/design.md 17). Accepted by Wellbeing from
/// the child's guardian or an admin of the child's school; every service, Wellbeing included, consumes it and destroys
/// the child's keys in its personal-data vault. Carries the opaque student id only; counts and audit entries stay.
/// </summary>
public sealed record ChildErasureRequested(Guid RequestId, Guid StudentId, DateTimeOffset RequestedAt);

/// <summary>
/// 健康筛查结果: a hospital of the alliance recorded a child's health screening result (vision, spine), ready for the
/// child's own parents to read in Wellbeing (their pages tell them). Opaque ids only: no measurement and no finding
/// leaves the service; a result past a threshold also leaves as <see cref="ReferralMade"/>. Added in version 1.1.
/// </summary>
public sealed record HealthScreeningResultReady(
    Guid ResultId, Guid RoundId, Guid StudentId, Guid SchoolId, Guid UnitId, string CountyCode, DateTimeOffset RecordedAt);
