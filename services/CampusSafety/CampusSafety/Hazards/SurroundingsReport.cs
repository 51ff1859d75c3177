using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.CampusSafety.Hazards;

public sealed record PhotoInfo(Guid Id, string ContentType, long Size, DateTimeOffset AttachedAt);

/// <summary>校园周边环境治理: the surroundings report's state, also its inline read model.</summary>
public sealed record SurroundingsReport(
    Guid Id, Guid SchoolId, string CountyCode, string Kind, string Description, string Location, string ReportedBy,
    Role ReporterRole, HazardStatus Status, DateTimeOffset ReportedAt, DateTimeOffset DueAt)
{
    public long Version { get; set; }
    public Guid? UnitId { get; init; }
    /// <summary>Names beside the ids, in lists (from the replica of Alliances' facts); never stored.</summary>
    public string? SchoolName { get; init; }
    public string? UnitName { get; init; }
    public string? UnitKind { get; init; }
    public string? ResponsibleKind { get; init; }
    public string? Resolution { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    /// <summary>Assignment round: 0 at first, +1 on each reopen.</summary>
    public int Round { get; init; }
    /// <summary>The round last escalated, if any: a round escalates once.</summary>
    public int? EscalatedRound { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
    /// <summary>Escalated in the current round and not yet resolved: on the county's escalations list.</summary>
    public bool Escalated { get; init; }
    public IReadOnlyList<PhotoInfo> Photos { get; init; } = [];
    /// <summary>The description was erased: nobody can read it any more.</summary>
    public bool DescriptionErased { get; init; }

    public bool IsOpen => Status is HazardStatus.Reported or HazardStatus.Assigned or HazardStatus.Acknowledged;

    public static SurroundingsReport Create(HazardReportFiled e) =>
        new(e.ReportId, e.SchoolId, e.CountyCode, e.Kind, e.Description, e.Location, e.ReportedBy, e.ReporterRole,
            HazardStatus.Reported, e.At, e.DueAt);

    public SurroundingsReport Apply(HazardReportAssigned e) =>
        this with { Status = HazardStatus.Assigned, UnitId = e.UnitId, UnitKind = e.UnitKind, DueAt = e.DueAt };

    public SurroundingsReport Apply(HazardReportUnrouted e) => this with { ResponsibleKind = e.ResponsibleKind };

    public SurroundingsReport Apply(HazardPhotoAttached e) =>
        this with { Photos = [.. Photos, new PhotoInfo(e.PhotoId, e.ContentType, e.Size, e.At)] };

    public SurroundingsReport Apply(HazardReportAcknowledged e) => this with { Status = HazardStatus.Acknowledged };

    public SurroundingsReport Apply(HazardReportResolved e) =>
        this with { Status = HazardStatus.Resolved, Resolution = e.Note, ResolvedAt = e.At, Escalated = false };

    public SurroundingsReport Apply(HazardReportClosed e) => this with { Status = HazardStatus.Closed, ClosedAt = e.At };

    public SurroundingsReport Apply(HazardReportReopened e) =>
        this with
        {
            Status = HazardStatus.Assigned, DueAt = e.DueAt, Round = Round + 1, Resolution = null, ResolvedAt = null,
            Escalated = false,
        };

    public SurroundingsReport Apply(HazardDescriptionErased e) => this with { DescriptionErased = true, Description = "" };

    /// <summary>As a caller who may see the report reads it: the description opened with the report's key.</summary>
    public SurroundingsReport Opened(RecordKey? key) => DescriptionErased
        ? this with { Description = "" }
        : RecordCipher.IsSealed(Description) ? this with { Description = RecordCipher.Open(key, Description) ?? "" } : this;

    public SurroundingsReport Apply(HazardReportEscalated e) =>
        this with { EscalatedRound = e.Round, EscalatedAt = e.At, Escalated = true };
}
