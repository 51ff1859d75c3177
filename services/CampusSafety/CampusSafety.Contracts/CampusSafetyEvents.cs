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
/// <zh>周边隐患上报：学校或家长上报了学校周边的隐患。</zh>
/// <en>A hazard near a school was reported by the school's staff or a parent.</en>
/// <version>1</version>
public sealed record HazardReported(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, DateTimeOffset ReportedAt, string? ParentReporter = null);

/// <summary>隐患分派: a report was routed to the responsible member unit (traffic → traffic police …), due by <paramref name="DueAt"/>.</summary>
/// <zh>隐患分派：隐患已分派给负责的成员单位（交通→交警，食品摊贩→市场监管，治安→派出所），附处置期限；重开时再次发布。</zh>
/// <en>A hazard report was routed to the responsible member unit (traffic → traffic police, vendors → market regulation, security → police station), due by a time; published again when reopened.</en>
/// <version>1</version>
public sealed record HazardAssigned(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid UnitId, DateTimeOffset DueAt, DateTimeOffset AssignedAt);

/// <summary>隐患处置完成: the unit resolved the hazard (the school then verifies and closes, or reopens).</summary>
/// <zh>隐患处置完成：责任单位已处置隐患，由学校核实关闭或重开。</zh>
/// <en>The unit resolved the hazard; the school then verifies and closes, or reopens.</en>
/// <version>1</version>
public sealed record HazardResolved(Guid ReportId, Guid SchoolId, string Kind, Guid UnitId, DateTimeOffset ResolvedAt);

/// <summary>隐患超时: a report passed its SLA unresolved and was escalated to the county. Published once per report and step.</summary>
/// <zh>隐患超时：隐患超过处置时限未解决，已上报县级；每份报告每一步只发布一次。</zh>
/// <en>A hazard report passed its SLA unresolved and was escalated to the county; once per report and step.</en>
/// <version>1</version>
public sealed record HazardOverdue(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid? UnitId, DateTimeOffset DetectedAt);

/// <summary>护学岗缺岗: a guard shift at a school's gate was not checked in.</summary>
/// <zh>护学岗缺岗：学校门口的护学岗班次无人签到。</zh>
/// <en>A guard shift at a school's gate was not checked in.</en>
/// <version>1</version>
public sealed record GuardShiftMissed(
    Guid PostId, Guid ShiftId, Guid SchoolId, string CountyCode, Guid? UnitId, DateTimeOffset ShiftStartsAt,
    DateTimeOffset DetectedAt);

/// <summary>欺凌事件立案: a bullying case was opened. School and grade only: nothing about the children.</summary>
/// <zh>欺凌事件立案：学校立案一起欺凌事件；只有学校和年级，不含任何儿童信息。</zh>
/// <en>A bullying case was opened; school and grade only, nothing about the children.</en>
/// <version>1</version>
public sealed record BullyingCaseOpened(Guid CaseId, Guid SchoolId, string CountyCode, int Grade, DateTimeOffset OpenedAt);

/// <summary>
/// 心理支持请求: CampusSafety asks Wellbeing (心链网络) to support a student, by opaque id only.
/// </summary>
/// <param name="Reason">A code: <c>BullyingTarget</c>.</param>
/// <zh>心理支持请求：护校安园请心链网络为一名学生（不透明 id）提供支持。</zh>
/// <en>CampusSafety asks Wellbeing to support a student, by opaque id only.</en>
/// <version>1</version>
public sealed record SupportRequested(
    Guid RequestId, Guid StudentId, Guid SchoolId, string CountyCode, string Reason, DateTimeOffset RequestedAt);

/// <summary>应急演练完成: a school carried out an emergency drill.</summary>
/// <param name="Kind"><c>Fire</c>, <c>Earthquake</c>, <c>Evacuation</c>, <c>Lockdown</c> …</param>
/// <zh>应急演练完成：学校完成了一次应急演练（消防、地震、疏散、封闭）。</zh>
/// <en>A school carried out an emergency drill (fire, earthquake, evacuation, lockdown).</en>
/// <version>1</version>
public sealed record DrillCompleted(
    Guid DrillId, Guid SchoolId, string CountyCode, string Kind, int Participants, TimeSpan Duration, DateTimeOffset CompletedAt);

/// <summary>安全预案通过: the safety plan of an off-campus activity was approved; the activity may open.</summary>
/// <zh>安全预案通过：校外活动的安全预案获批，活动可以开放。</zh>
/// <en>The safety plan of an off-campus activity was approved; the activity may open.</en>
/// <version>1</version>
public sealed record SafetyPlanApproved(Guid ActivityId, Guid PlanId, DateTimeOffset ApprovedAt);

/// <summary>安全预案驳回: the safety plan was rejected, with the reviewer's reasons; the activity may not open.</summary>
/// <zh>安全预案驳回：安全预案被驳回，附审查意见，活动不得开放。</zh>
/// <en>The safety plan was rejected, with the reviewer's reasons; the activity may not open.</en>
/// <version>1</version>
public sealed record SafetyPlanRejected(Guid ActivityId, Guid PlanId, string Reasons, DateTimeOffset RejectedAt);

/// <summary>
/// 法治副校长聘任 (警校共育): a person of a police station, procuratorate or court (<paramref name="UnitId"/>) was appointed
/// legal vice-principal of a school for a term, <paramref name="StartsOn"/> to <paramref name="EndsOn"/> inclusive. The
/// person is known to the unit; no name leaves the service. Added in version 1.1.
/// </summary>
/// <zh>法治副校长聘任：派出所、检察院或法院的人员被聘为学校的法治副校长。</zh>
/// <en>An officer of a police station, procuratorate or court was appointed a school's legal vice-principal.</en>
/// <version>1</version>
public sealed record LegalVicePrincipalAppointed(
    Guid AppointmentId, Guid SchoolId, Guid UnitId, string CountyCode, DateOnly StartsOn, DateOnly EndsOn, DateTimeOffset AppointedAt);

/// <summary>法治副校长续聘: the appointment's term now ends on <paramref name="EndsOn"/>. Added in version 1.1.</summary>
/// <zh>法治副校长续聘：聘期延长。</zh>
/// <en>A legal vice-principal's appointment was renewed to a new end date.</en>
/// <version>1</version>
public sealed record LegalVicePrincipalRenewed(
    Guid AppointmentId, Guid SchoolId, Guid UnitId, string CountyCode, DateOnly EndsOn, DateTimeOffset RenewedAt);

/// <summary>
/// 法治副校长聘任结束: the appointment ended on <paramref name="EndedOn"/>; the school may need a new one. Added in version 1.1.
/// </summary>
/// <param name="Reason"><c>TermExpired</c>, <c>Resigned</c>, <c>Transferred</c>, <c>Dismissed</c> or <c>UnitLeftAlliance</c>.</param>
/// <zh>法治副校长聘任结束：聘任到期或提前结束，附原因代码。</zh>
/// <en>A legal vice-principal's appointment ended (expired or ended early), with a reason code.</en>
/// <version>1</version>
public sealed record LegalVicePrincipalAppointmentEnded(
    Guid AppointmentId, Guid SchoolId, Guid UnitId, string CountyCode, string Reason, DateOnly EndedOn, DateTimeOffset EndedAt);
