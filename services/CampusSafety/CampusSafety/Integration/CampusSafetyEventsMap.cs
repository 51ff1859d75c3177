using JasperFx.Events;
using JiaoLianTi.CampusSafety.Bullying;
using JiaoLianTi.CampusSafety.Drills;
using JiaoLianTi.CampusSafety.GuardPosts;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.CampusSafety.LegalVicePrincipals;
using JiaoLianTi.CampusSafety.SafetyPlans;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.CampusSafety.Contracts;

namespace JiaoLianTi.CampusSafety.Integration;

/// <summary>Which internal events leave CampusSafety, and as which contract. Nothing about a child but an opaque id.</summary>
public sealed class CampusSafetyEventsMap : IIntegrationEventMap
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(HazardReportFiled),
        typeof(HazardReportAssigned),
        typeof(HazardReportReopened),
        typeof(HazardReportResolved),
        typeof(HazardReportEscalated),
        typeof(GuardShiftMarkedMissed),
        typeof(BullyingCaseReported),
        typeof(BullyingTargetReferred),
        typeof(DrillCarriedOut),
        typeof(SafetyPlans.SafetyPlanApproved),
        typeof(SafetyPlans.SafetyPlanRejected),
        typeof(LegalVicePrincipals.LegalVicePrincipalAppointed),
        typeof(LegalVicePrincipals.LegalVicePrincipalRenewed),
        typeof(LegalVicePrincipalEnded),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        HazardReportFiled e => new Contracts.HazardReported(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.At,
            e.ReporterRole == Platform.Identity.Role.Parent ? e.ReportedBy : null),
        HazardReportAssigned e => new Contracts.HazardAssigned(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.UnitId, e.DueAt, e.At),
        // Reopened: the same unit has it again, with a new due time.
        HazardReportReopened e => new Contracts.HazardAssigned(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.UnitId, e.DueAt, e.At),
        HazardReportResolved e => new Contracts.HazardResolved(e.ReportId, e.SchoolId, e.Kind, e.UnitId, e.At),
        HazardReportEscalated e => new Contracts.HazardOverdue(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.UnitId, e.At),
        GuardShiftMarkedMissed e => new Contracts.GuardShiftMissed(e.PostId, e.ShiftId, e.SchoolId, e.CountyCode, e.UnitId, e.StartsAt, e.At),
        BullyingCaseReported e => new Contracts.BullyingCaseOpened(e.CaseId, e.SchoolId, e.CountyCode, e.Grade, e.At),
        BullyingTargetReferred e => new Contracts.SupportRequested(e.RequestId, e.StudentId, e.SchoolId, e.CountyCode, SupportReasons.BullyingTarget, e.At),
        DrillCarriedOut e => new Contracts.DrillCompleted(e.DrillId, e.SchoolId, e.CountyCode, e.Kind.ToString(), e.Participants, e.Duration, e.At),
        SafetyPlans.SafetyPlanApproved e => new Contracts.SafetyPlanApproved(e.ActivityId, e.PlanId, e.At),
        SafetyPlans.SafetyPlanRejected e => new Contracts.SafetyPlanRejected(e.ActivityId, e.PlanId, e.Reasons, e.At),
        LegalVicePrincipals.LegalVicePrincipalAppointed e => new Contracts.LegalVicePrincipalAppointed(e.AppointmentId, e.SchoolId, e.UnitId, e.CountyCode, e.StartsOn, e.EndsOn, e.At),
        LegalVicePrincipals.LegalVicePrincipalRenewed e => new Contracts.LegalVicePrincipalRenewed(e.AppointmentId, e.SchoolId, e.UnitId, e.CountyCode, e.EndsOn, e.At),
        LegalVicePrincipalEnded e => new Contracts.LegalVicePrincipalAppointmentEnded(e.AppointmentId, e.SchoolId, e.UnitId, e.CountyCode, e.Reason.ToString(), e.EndedOn, e.At),
        _ => null,
    };
}

/// <summary>The reason codes <see cref="Contracts.SupportRequested"/> carries.</summary>
public static class SupportReasons
{
    public const string BullyingTarget = "BullyingTarget";
}
