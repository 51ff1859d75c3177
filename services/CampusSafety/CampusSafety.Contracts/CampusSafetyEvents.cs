namespace JiaoLianTi.CampusSafety.Contracts;

// CampusSafety's (护校安园) integration events. Departmental systems (police, traffic police, market regulation)
// subscribe to the hazard events. Students appear by opaque id only, and only where a service must act for them.
// Version 1. Contracts change only by adding optional members; a breaking change is a new record.

/// <summary>Kinds of hazard near a school, as the strings the contracts carry.</summary>
public static class HazardKinds
{
    public const string Traffic = "Traffic";
    public const string VendorsAndFood = "VendorsAndFood";
    public const string Security = "Security";
    public const string Construction = "Construction";
    public const string Other = "Other";
}

/// <summary>周边隐患上报: a hazard near a school was reported.</summary>
/// <param name="ParentReporter">The token subject (an opaque id) of the parent who reported it, so that the parent can
/// be told how it goes (家长端 消息); null when a school's staff reported it.</param>
public sealed record HazardReported(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, DateTimeOffset ReportedAt, string? ParentReporter = null);

/// <summary>隐患分派: a report was routed to the responsible member unit (traffic → traffic police …), due by <paramref name="DueAt"/>.</summary>
public sealed record HazardAssigned(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid UnitId, DateTimeOffset DueAt, DateTimeOffset AssignedAt);

/// <summary>隐患处置完成: the unit resolved the hazard (the school then verifies and closes, or reopens).</summary>
public sealed record HazardResolved(Guid ReportId, Guid SchoolId, string Kind, Guid UnitId, DateTimeOffset ResolvedAt);

/// <summary>隐患超时: a report passed its SLA unresolved and was escalated to the county. Published once per report and step.</summary>
public sealed record HazardOverdue(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid? UnitId, DateTimeOffset DetectedAt);

/// <summary>护学岗缺岗: a guard shift at a school's gate was not checked in.</summary>
public sealed record GuardShiftMissed(
    Guid PostId, Guid ShiftId, Guid SchoolId, string CountyCode, Guid? UnitId, DateTimeOffset ShiftStartsAt,
    DateTimeOffset DetectedAt);

/// <summary>欺凌事件立案: a bullying case was opened. School and grade only: nothing about the children.</summary>
public sealed record BullyingCaseOpened(Guid CaseId, Guid SchoolId, string CountyCode, int Grade, DateTimeOffset OpenedAt);

/// <summary>
/// 心理支持请求: CampusSafety asks Wellbeing (心链网络) to support a student, by opaque id only.
/// </summary>
/// <param name="Reason">A code: <c>BullyingTarget</c>.</param>
public sealed record SupportRequested(
    Guid RequestId, Guid StudentId, Guid SchoolId, string CountyCode, string Reason, DateTimeOffset RequestedAt);

/// <summary>应急演练完成: a school carried out an emergency drill.</summary>
/// <param name="Kind"><c>Fire</c>, <c>Earthquake</c>, <c>Evacuation</c>, <c>Lockdown</c> …</param>
public sealed record DrillCompleted(
    Guid DrillId, Guid SchoolId, string CountyCode, string Kind, int Participants, TimeSpan Duration, DateTimeOffset CompletedAt);

/// <summary>安全预案通过: the safety plan of an off-campus activity was approved; the activity may open.</summary>
public sealed record SafetyPlanApproved(Guid ActivityId, Guid PlanId, DateTimeOffset ApprovedAt);

/// <summary>安全预案驳回: the safety plan was rejected, with the reviewer's reasons; the activity may not open.</summary>
public sealed record SafetyPlanRejected(Guid ActivityId, Guid PlanId, string Reasons, DateTimeOffset RejectedAt);

/// <summary>
/// 法治副校长聘任 (警校共育): a person of a police station, procuratorate or court (<paramref name="UnitId"/>) was appointed
/// legal vice-principal of a school for a term, <paramref name="StartsOn"/> to <paramref name="EndsOn"/> inclusive. The
/// person is known to the unit; no name leaves the service. Added in version 1.1.
/// </summary>
public sealed record LegalVicePrincipalAppointed(
    Guid AppointmentId, Guid SchoolId, Guid UnitId, string CountyCode, DateOnly StartsOn, DateOnly EndsOn, DateTimeOffset AppointedAt);

/// <summary>法治副校长续聘: the appointment's term now ends on <paramref name="EndsOn"/>. Added in version 1.1.</summary>
public sealed record LegalVicePrincipalRenewed(
    Guid AppointmentId, Guid SchoolId, Guid UnitId, string CountyCode, DateOnly EndsOn, DateTimeOffset RenewedAt);

/// <summary>
/// 法治副校长聘任结束: the appointment ended on <paramref name="EndedOn"/>; the school may need a new one. Added in version 1.1.
/// </summary>
/// <param name="Reason"><c>TermExpired</c>, <c>Resigned</c>, <c>Transferred</c>, <c>Dismissed</c> or <c>UnitLeftAlliance</c>.</param>
public sealed record LegalVicePrincipalAppointmentEnded(
    Guid AppointmentId, Guid SchoolId, Guid UnitId, string CountyCode, string Reason, DateOnly EndedOn, DateTimeOffset EndedAt);
