namespace JiaoLianTi.Wellbeing.Contracts;

// Wellbeing's (心链网络) integration events: opaque ids, tiers and statuses only. No name, birth date, class or free
// text about a child ever leaves the service (a test scans every contract). The health department subscribes to
// referrals. Version 1. Contracts change only by adding optional members; a breaking change is a new record.

/// <summary>转介: a student was referred to a hospital or mental-health centre of the school's alliance.</summary>
/// <param name="Urgency"><c>Routine</c>, <c>Priority</c> or <c>Urgent</c>.</param>
/// <param name="HealthScreeningRoundId">医教互促: the hospital's screening round whose result past a threshold made the referral
/// (null when a school's carer referred). Added in version 1.1.</param>
/// <zh>转介：学生（不透明 id）被转介到本校教联体的医院或心理健康中心，附紧急程度。</zh>
/// <en>A student (opaque id) was referred to a hospital or mental-health centre of the school's alliance, with an urgency.</en>
/// <version>1.1</version>
public sealed record ReferralMade(
    Guid ReferralId, Guid StudentId, Guid SchoolId, Guid UnitId, string CountyCode, string Urgency, DateTimeOffset MadeAt,
    Guid? HealthScreeningRoundId = null);

/// <summary>转介超时: a referral step passed its SLA.</summary>
/// <param name="Step"><c>Acceptance</c>, <c>Appointment</c> or <c>Return</c>.</param>
/// <zh>转介超时：转介的某一步（接收、预约、回执）超过时限。</zh>
/// <en>A referral step (acceptance, appointment, return) passed its SLA.</en>
/// <version>1</version>
public sealed record ReferralOverdue(Guid ReferralId, Guid SchoolId, Guid UnitId, string Step, DateTimeOffset DetectedAt);

/// <summary>危机升级: a crisis chain reached a level (county and above are told). No personal data.</summary>
/// <param name="Level"><c>Counsellor</c>, <c>Principal</c>, <c>Guardian</c>, <c>County</c>.</param>
/// <zh>危机升级：危机处置链到达某一层级（县级及以上会被告知）；不含个人数据。</zh>
/// <en>A crisis chain reached a level (county and above are told); no personal data.</en>
/// <version>1</version>
public sealed record CrisisEscalated(Guid EscalationId, Guid SchoolId, string CountyCode, string Level, DateTimeOffset EscalatedAt);

/// <summary>帮扶档案建立: a tripartite support plan was opened for a student.</summary>
/// <zh>帮扶档案建立：为一名学生（不透明 id）建立了家校医三方帮扶计划。</zh>
/// <en>A tripartite support plan was opened for a student (opaque id).</en>
/// <version>1</version>
public sealed record SupportPlanOpened(Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, DateTimeOffset OpenedAt);

/// <summary>帮扶档案结案: a support plan was closed.</summary>
/// <param name="Outcome"><c>GoalsMet</c>, <c>Transferred</c>, <c>Withdrawn</c> …</param>
/// <zh>帮扶档案结案：帮扶计划结案，附结果代码。</zh>
/// <en>A support plan was closed, with an outcome code.</en>
/// <version>1</version>
public sealed record SupportPlanClosed(Guid PlanId, Guid SchoolId, string CountyCode, string Outcome, DateTimeOffset ClosedAt);

/// <summary>
/// 删除儿童个人数据: a child's personal data is to be erased everywhere (docs/design.md 17). Accepted by Wellbeing from
/// the child's guardian or an admin of the child's school; every service, Wellbeing included, consumes it and destroys
/// the child's keys in its personal-data vault. Carries the opaque student id only; counts and audit entries stay.
/// </summary>
/// <zh>删除儿童个人数据：儿童的个人数据须在各处删除，各服务销毁该儿童的密钥；只带不透明 id。</zh>
/// <en>A child's personal data is to be erased everywhere; every service destroys the child's keys. Opaque id only.</en>
/// <version>1</version>
public sealed record ChildErasureRequested(Guid RequestId, Guid StudentId, DateTimeOffset RequestedAt);

/// <summary>
/// 健康筛查结果: a hospital of the alliance recorded a child's health screening result (vision, spine), ready for the
/// child's own parents to read in Wellbeing (their pages tell them). Opaque ids only: no measurement and no finding
/// leaves the service; a result past a threshold also leaves as <see cref="ReferralMade"/>. Added in version 1.1.
/// </summary>
/// <zh>健康筛查结果：医院记录了儿童的健康筛查结果（视力、脊柱），供其家长查看；不含任何测量值。</zh>
/// <en>A hospital recorded a child's health screening result (vision, spine) for the child's parents to read; no measurement leaves.</en>
/// <version>1.1</version>
public sealed record HealthScreeningResultReady(
    Guid ResultId, Guid RoundId, Guid StudentId, Guid SchoolId, Guid UnitId, string CountyCode, DateTimeOffset RecordedAt);
