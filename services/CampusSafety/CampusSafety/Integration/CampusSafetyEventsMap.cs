using JasperFx.Events;
using JiaoLianTi.CampusSafety.GuardPosts;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.CampusSafety.Contracts;

namespace JiaoLianTi.CampusSafety.Integration;

/// <summary>Which internal events leave CampusSafety, and as which contract. Nothing about a child but an opaque id.</summary>
public sealed class CampusSafetyEventsMap : IIntegrationEventMap
{
    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        HazardReportFiled e => new Contracts.HazardReported(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.At),
        HazardReportAssigned e => new Contracts.HazardAssigned(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.UnitId, e.DueAt, e.At),
        // Reopened: the same unit has it again, with a new due time.
        HazardReportReopened e => new Contracts.HazardAssigned(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.UnitId, e.DueAt, e.At),
        HazardReportResolved e => new Contracts.HazardResolved(e.ReportId, e.SchoolId, e.Kind, e.UnitId, e.At),
        HazardReportEscalated e => new Contracts.HazardOverdue(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.UnitId, e.At),
        GuardShiftMarkedMissed e => new Contracts.GuardShiftMissed(e.PostId, e.ShiftId, e.SchoolId, e.CountyCode, e.UnitId, e.StartsAt, e.At),
        _ => null,
    };
}
