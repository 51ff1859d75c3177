using JasperFx.Events;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using JiaoLianTi.Wellbeing.Referrals;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Wellbeing.Alerts;

/// <summary><see cref="RecordNeeded"/>: a support proposal waits until the school records the child with consent.</summary>
public enum AlertKind { TierChanged, FollowUpMissed, ReferralOverdue, CrisisLevel, CrisisUnacknowledged, RecordNeeded }

/// <summary>An alert for the people who care for a child: ids and codes only, no personal detail.</summary>
public sealed class Alert
{
    public Guid Id { get; set; }
    public AlertKind Kind { get; set; }
    public Guid StudentId { get; set; }
    public Guid SchoolId { get; set; }
    public string? CountyCode { get; set; }
    public string? Counsellor { get; set; }
    /// <summary>The code the alert is about: the new tier, the care category, the overdue step or the crisis level.</summary>
    public string Code { get; set; } = "";
    public Guid? SubjectId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>Inline: an alert is there as soon as the event that raised it is committed.</summary>
public sealed partial class AlertProjection : EventProjection
{
    public AlertProjection()
    {
        IncludeType<TierChanged>();
        IncludeType<FollowUpMissed>();
        IncludeType<ReferralOverdueDetected>();
        IncludeType<CrisisLevelNotified>();
        IncludeType<CrisisStepUnacknowledged>();
        IncludeType<RecordRead>();
        IncludeType<SupportPlans.PlanAwaitingRecord>();
    }

    public override async ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken ct)
    {
        if (e.Data is RecordRead read)
        {
            // The access log's listable copy; the event itself stays the record.
            operations.Store(new ReadLogEntry
            {
                Id = e.Id, StudentId = read.StudentId, SchoolId = read.SchoolId, CountyCode = read.CountyCode, Reader = read.Reader,
                ReaderRole = read.ReaderRole, Resource = read.Resource, ResourceId = read.ResourceId, Purpose = read.Purpose,
                GrantId = read.GrantId, At = read.At, Refused = read.Refused,
            });
            return;
        }
        var alert = e.Data switch
        {
            TierChanged t => new Alert { Kind = AlertKind.TierChanged, StudentId = t.StudentId, SchoolId = t.SchoolId, Counsellor = t.Counsellor, Code = t.To.ToString(), At = t.At },
            FollowUpMissed f => new Alert { Kind = AlertKind.FollowUpMissed, StudentId = f.StudentId, SchoolId = f.SchoolId, Counsellor = f.Counsellor, Code = f.Category.ToString(), At = f.DetectedAt },
            ReferralOverdueDetected r => await ReferralAlert(operations, r, ct),
            CrisisLevelNotified c => new Alert { Kind = AlertKind.CrisisLevel, StudentId = c.StudentId, SchoolId = c.SchoolId, CountyCode = c.CountyCode, Code = c.Level.ToString(), SubjectId = c.EscalationId, At = c.At },
            CrisisStepUnacknowledged u => await CrisisAlert(operations, u, ct),
            // The school is asked to record the child (with a guardian's consent) before a plan can be opened.
            SupportPlans.PlanAwaitingRecord w => new Alert { Kind = AlertKind.RecordNeeded, StudentId = w.StudentId, SchoolId = w.SchoolId, CountyCode = w.CountyCode, Code = "SupportPlan", SubjectId = w.PlanId, At = w.At },
            _ => null,
        };
        if (alert is not null)
        {
            alert.Id = e.Id;
            operations.Store(alert);
        }
    }

    private static async Task<Alert?> ReferralAlert(IDocumentOperations operations, ReferralOverdueDetected r, CancellationToken ct)
    {
        var referral = await operations.LoadAsync<Referral>(r.ReferralId, ct);
        return new Alert
        {
            Kind = AlertKind.ReferralOverdue, StudentId = referral?.StudentId ?? Guid.Empty, SchoolId = r.SchoolId,
            CountyCode = referral?.CountyCode, Code = r.Step.ToString(), SubjectId = r.ReferralId, At = r.At,
        };
    }

    private static async Task<Alert?> CrisisAlert(IDocumentOperations operations, CrisisStepUnacknowledged u, CancellationToken ct)
    {
        var crisis = await operations.LoadAsync<CrisisEscalation>(u.EscalationId, ct);
        return crisis is null ? null : new Alert
        {
            Kind = AlertKind.CrisisUnacknowledged, StudentId = crisis.StudentId, SchoolId = crisis.SchoolId, CountyCode = crisis.CountyCode,
            Counsellor = crisis.Counsellor, Code = u.Level.ToString(), SubjectId = u.EscalationId, At = u.At,
        };
    }
}

/// <summary>One read of the access log (who, when, why, under which grant), from <see cref="RecordRead"/>.</summary>
public sealed class ReadLogEntry
{
    public Guid Id { get; set; }
    public Guid StudentId { get; set; }
    public Guid SchoolId { get; set; }
    public string CountyCode { get; set; } = "";
    public string Reader { get; set; } = "";
    public string ReaderRole { get; set; } = "";
    public ReadResource Resource { get; set; }
    public Guid ResourceId { get; set; }
    public AccessPurpose Purpose { get; set; }
    public Guid? GrantId { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>A refused attempt: nothing was answered.</summary>
    public bool Refused { get; set; }
}

public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertAndAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/wellbeing/alerts", ListAlerts).WithTags("Alerts 预警").WithSummary("预警 / Alerts for the caller");
        app.MapGet("/api/wellbeing/access-log", ListReads).WithTags("AccessLog 访问留痕")
            .WithSummary("访问记录（学校管理员与县级） / Who read which record, when and why (school admins and the county)");
        return app;
    }

    private static async Task<Ok<Page<Alert>>> ListAlerts(HttpContext http, IQuerySession session, AlertKind? kind, Guid? studentId, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<Alert> query = session.Query<Alert>();
        query = caller.Role switch
        {
            // A counsellor sees the alerts of the children assigned to them, and of the school's unassigned children.
            // (A token of their role always names the school; the same subject at another school is someone else.)
            Role.Counsellor => query.Where(a => a.SchoolId == caller.SchoolId && (a.Counsellor == caller.Subject || a.Counsellor == null)),
            Role.SchoolAdmin when caller.SchoolId is not null => query.Where(a => a.SchoolId == caller.SchoolId),
            Role.CountyAdmin or Role.CityAdmin or Role.ProvinceAdmin => query.Where(a =>
                a.CountyCode != null && a.CountyCode.StartsWith(caller.Region) && (a.Kind == AlertKind.CrisisLevel || a.Kind == AlertKind.ReferralOverdue || a.Kind == AlertKind.CrisisUnacknowledged)),
            _ => throw new ForbiddenException("无权查看预警 / Alerts are for counsellors, school admins and the administration."),
        };
        if (kind is { } k) query = query.Where(a => a.Kind == k);
        if (studentId is { } s) query = query.Where(a => a.StudentId == s);
        return TypedResults.Ok(await query.OrderByDescending(a => a.At).ToPageAsync(paging, ct));
    }

    private static async Task<Ok<Page<ReadLogEntry>>> ListReads(
        HttpContext http, IQuerySession session, Guid? schoolId, Guid? studentId, string? reader, bool? refused, int? page, int? pageSize,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<ReadLogEntry> query = session.Query<ReadLogEntry>();
        query = caller.Role switch
        {
            Role.SchoolAdmin when caller.SchoolId is not null => query.Where(r => r.SchoolId == caller.SchoolId),
            Role.CountyAdmin or Role.CityAdmin or Role.ProvinceAdmin => query.Where(r => r.CountyCode.StartsWith(caller.Region)),
            _ => throw new ForbiddenException("访问记录仅限学校管理员与教育行政部门 / The access log is for school admins and the education administration."),
        };
        if (schoolId is { } school) query = query.Where(r => r.SchoolId == school);
        if (studentId is { } student) query = query.Where(r => r.StudentId == student);
        if (!string.IsNullOrEmpty(reader)) query = query.Where(r => r.Reader == reader);
        if (refused is { } r) query = query.Where(e => e.Refused == r);
        return TypedResults.Ok(await query.OrderByDescending(r => r.At).ToPageAsync(paging, ct));
    }
}
