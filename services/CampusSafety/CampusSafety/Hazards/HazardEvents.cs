using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.CampusSafety.Hazards;

public enum HazardStatus
{
    /// <summary>Filed, but the school's alliances have no unit of the responsible kind yet (未分派).</summary>
    Reported,
    Assigned,
    Acknowledged,
    Resolved,
    /// <summary>Verified and closed by the school.</summary>
    Closed,
}

/// <summary>Filed. <c>Description</c> is sealed with the report's key (<see cref="RecordCipher"/>): it may name children.</summary>
public record HazardReportFiled(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, string Description, string Location,
    string ReportedBy, Role ReporterRole, DateTimeOffset DueAt, DateTimeOffset At);

public record HazardReportAssigned(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid UnitId, string UnitKind, DateTimeOffset DueAt,
    DateTimeOffset At);

/// <summary>No unit of the responsible kind serves the school: the report waits, and its SLA runs.</summary>
public record HazardReportUnrouted(Guid ReportId, string ResponsibleKind, DateTimeOffset At);

public record HazardPhotoAttached(Guid ReportId, Guid PhotoId, string ContentType, long Size, string AttachedBy, DateTimeOffset At);

public record HazardReportAcknowledged(Guid ReportId, Guid UnitId, string By, DateTimeOffset At);

public record HazardReportResolved(Guid ReportId, Guid SchoolId, string Kind, Guid UnitId, string Note, string By, DateTimeOffset At);

public record HazardReportClosed(Guid ReportId, string By, DateTimeOffset At);

/// <summary>The school found the hazard not resolved: back to the same unit, with a fresh SLA.</summary>
public record HazardReportReopened(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid UnitId, string Reason, DateTimeOffset DueAt,
    string By, DateTimeOffset At);

/// <summary>Past its SLA and not resolved: escalated to the county, once per round (a reopen starts a new round).</summary>
public record HazardReportEscalated(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, Guid? UnitId, int Round, DateTimeOffset At);

/// <summary>The description was erased (its key destroyed), e.g. because it named a child; the report stays.</summary>
public record HazardDescriptionErased(Guid ReportId, string By, DateTimeOffset At);
