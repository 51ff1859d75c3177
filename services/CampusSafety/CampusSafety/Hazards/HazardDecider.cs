using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.CampusSafety.Hazards;

public sealed record ResponsibleUnit(Guid UnitId, string UnitKind);

public record FileHazardReport(
    Guid ReportId, Guid SchoolId, string CountyCode, string Kind, string Description, string Location,
    string ReportedBy, Role ReporterRole, ResponsibleUnit? Unit, DateTimeOffset Now);
public record RouteHazardReport(ResponsibleUnit? Unit, DateTimeOffset Now);
public record AttachHazardPhoto(Guid PhotoId, string ContentType, long Size, string By, DateTimeOffset Now);
public record AcknowledgeHazardReport(Guid? CallerUnitId, string By, DateTimeOffset Now);
public record ResolveHazardReport(Guid? CallerUnitId, string Note, string By, DateTimeOffset Now);
public record CloseHazardReport(string By, DateTimeOffset Now);
public record ReopenHazardReport(string Reason, string By, DateTimeOffset Now);
public record EscalateOverdueHazard(DateTimeOffset Now);
public record EraseHazardDescription(string By, DateTimeOffset Now);

/// <summary>The surroundings report's rules, pure.</summary>
public static class HazardDecider
{
    public const int MaxPhotos = 10;

    public static readonly IReadOnlyList<string> Kinds =
        [HazardKinds.Traffic, HazardKinds.VendorsAndFood, HazardKinds.Security, HazardKinds.Construction, HazardKinds.Other];

    /// <summary>
    /// 处置时限 SLA per kind, from reporting (or from a reopen): a threat to safety within a day, traffic and food
    /// within three days, construction and the rest within a week.
    /// </summary>
    public static TimeSpan Sla(string kind) => kind switch
    {
        HazardKinds.Security => TimeSpan.FromHours(24),
        HazardKinds.Traffic => TimeSpan.FromHours(72),
        HazardKinds.VendorsAndFood => TimeSpan.FromHours(72),
        _ => TimeSpan.FromDays(7),
    };

    public static IReadOnlyList<object> Decide(FileHazardReport c)
    {
        if (!Kinds.Contains(c.Kind))
        {
            throw new ValidationFailed(new Dictionary<string, string[]> { ["kind"] = ["不是已知的隐患类型 / is not a known hazard kind"] });
        }
        var due = c.Now + Sla(c.Kind);
        var filed = new HazardReportFiled(c.ReportId, c.SchoolId, c.CountyCode, c.Kind, c.Description.Trim(),
            c.Location.Trim(), c.ReportedBy, c.ReporterRole, due, c.Now);
        return c.Unit is { } unit
            ? [filed, new HazardReportAssigned(c.ReportId, c.SchoolId, c.CountyCode, c.Kind, unit.UnitId, unit.UnitKind, due, c.Now)]
            : [filed, new HazardReportUnrouted(c.ReportId, Schools.SchoolRouting.ResponsibleKind(c.Kind), c.Now)];
    }

    public static IReadOnlyList<object> Decide(RouteHazardReport c, SurroundingsReport s)
    {
        if (s.Status != HazardStatus.Reported)
        {
            throw new RuleViolation("hazard-already-routed", "该隐患已分派 / The report is already assigned.");
        }
        if (c.Unit is not { } unit)
        {
            throw new RuleViolation("no-responsible-unit",
                $"学校所在教联体尚无{s.ResponsibleKind}成员单位 / No {s.ResponsibleKind} unit serves this school yet.");
        }
        return [new HazardReportAssigned(s.Id, s.SchoolId, s.CountyCode, s.Kind, unit.UnitId, unit.UnitKind, s.DueAt, c.Now)];
    }

    public static IReadOnlyList<object> Decide(AttachHazardPhoto c, SurroundingsReport s)
    {
        if (s.Status == HazardStatus.Closed)
        {
            throw new RuleViolation("hazard-closed", "隐患已关闭 / The report is closed.");
        }
        if (s.Photos.Count >= MaxPhotos)
        {
            throw new RuleViolation("too-many-photos", $"每份上报最多 {MaxPhotos} 张照片 / At most {MaxPhotos} photos a report.");
        }
        return [new HazardPhotoAttached(s.Id, c.PhotoId, c.ContentType, c.Size, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(AcknowledgeHazardReport c, SurroundingsReport s)
    {
        EnsureAssignedTo(c.CallerUnitId, s);
        if (s.Status != HazardStatus.Assigned)
        {
            throw new RuleViolation("hazard-not-assigned", $"当前状态 {s.Status} 不能签收 / A report in status {s.Status} cannot be acknowledged.");
        }
        return [new HazardReportAcknowledged(s.Id, s.UnitId!.Value, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ResolveHazardReport c, SurroundingsReport s)
    {
        EnsureAssignedTo(c.CallerUnitId, s);
        if (s.Status is not (HazardStatus.Assigned or HazardStatus.Acknowledged))
        {
            throw new RuleViolation("hazard-not-open", $"当前状态 {s.Status} 不能办结 / A report in status {s.Status} cannot be resolved.");
        }
        return [new HazardReportResolved(s.Id, s.SchoolId, s.Kind, s.UnitId!.Value, c.Note.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CloseHazardReport c, SurroundingsReport s) => s.Status switch
    {
        HazardStatus.Resolved => [new HazardReportClosed(s.Id, c.By, c.Now)],
        _ => throw new RuleViolation("hazard-not-resolved", $"尚未办结，不能验收关闭 / A report in status {s.Status} cannot be closed: the unit has not resolved it."),
    };

    public static IReadOnlyList<object> Decide(ReopenHazardReport c, SurroundingsReport s) => s.Status switch
    {
        HazardStatus.Resolved => [new HazardReportReopened(s.Id, s.SchoolId, s.CountyCode, s.Kind, s.UnitId!.Value,
            c.Reason.Trim(), c.Now + Sla(s.Kind), c.By, c.Now)],
        _ => throw new RuleViolation("hazard-not-resolved", $"只有已办结的隐患可以退回 / Only a resolved report can be reopened (status {s.Status})."),
    };

    /// <summary>Whatever the status: the report, its routing and its history stay; only the text goes.</summary>
    public static IReadOnlyList<object> Decide(EraseHazardDescription c, SurroundingsReport s) => s.DescriptionErased
        ? throw new RuleViolation("description-erased", "隐患描述已销毁 / The report's description has been erased already.")
        : [new HazardDescriptionErased(s.Id, c.By, c.Now)];

    /// <summary>Idempotent: nothing when not overdue, or when this round has already been escalated.</summary>
    public static IReadOnlyList<object> Decide(EscalateOverdueHazard c, SurroundingsReport s) =>
        s.IsOpen && s.DueAt <= c.Now && s.EscalatedRound != s.Round
            ? [new HazardReportEscalated(s.Id, s.SchoolId, s.CountyCode, s.Kind, s.UnitId, s.Round, c.Now)]
            : [];

    private static void EnsureAssignedTo(Guid? callerUnit, SurroundingsReport s)
    {
        if (s.UnitId is null || callerUnit != s.UnitId)
        {
            throw new ForbiddenException("该隐患未分派给你的单位 / This report is not assigned to your unit.");
        }
    }
}
