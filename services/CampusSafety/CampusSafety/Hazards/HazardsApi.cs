using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.CampusSafety.Schools;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.Hazards;

public sealed record FileHazardReportRequest(Guid? SchoolId, string? Kind, string? Description, string? Location);
public sealed record ResolveHazardReportRequest(string? Note);
public sealed record ReopenHazardReportRequest(string? Reason);

/// <summary>周边隐患 / a hazard near a school: reported, routed to the unit that answers for it, resolved, verified.</summary>
public static class HazardsApi
{
    public static void MapHazardEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/reports").WithTags("SurroundingsReport 校园周边环境治理");
        group.MapPost("/", File).WithSummary("上报周边隐患 / Report a hazard near a school");
        group.MapGet("/", List).WithSummary("隐患列表 / Reports the caller may see");
        group.MapGet("/{id:guid}", Get).WithSummary("隐患详情 / A report");
        group.MapPost("/{id:guid}/route", Route).WithSummary("重新分派 / Route a report that found no unit");
        group.MapHazardPhotoEndpoints();
        group.MapPost("/{id:guid}/acknowledge", Acknowledge).WithSummary("签收 / The unit acknowledges");
        group.MapPost("/{id:guid}/resolve", Resolve).WithSummary("办结 / The unit resolved it");
        group.MapPost("/{id:guid}/close", Close).WithSummary("验收关闭 / The school verified and closes");
        group.MapPost("/{id:guid}/reopen", Reopen).WithSummary("退回 / The school reopens");
        group.MapPost("/{id:guid}/description/erasure", EraseDescription)
            .WithSummary("销毁隐患描述 / Erase a report's description (e.g. it names a child); the report stays");
        app.MapGet("/api/campussafety/escalations", Escalations).WithTags("SurroundingsReport 校园周边环境治理")
            .WithSummary("督办列表 / Overdue reports escalated to the county");
        app.MapGet("/api/campussafety/schools/{id:guid}/units", ServingUnits).WithTags("Schools 学校")
            .WithSummary("服务学校的成员单位 / The police, traffic police and market regulator units serving a school");
    }

    private static async Task<Created<SurroundingsReport>> File(
        FileHazardReportRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("schoolId", request.SchoolId)
            .Required("kind", request.Kind)
            .Check(request.Kind is null || HazardDecider.Kinds.Contains(request.Kind), "kind",
                $"不是已知的隐患类型 / is not a known hazard kind ({string.Join(", ", HazardDecider.Kinds)})")
            .Required("description", request.Description).MaxLength("description", request.Description, 2000)
            .Required("location", request.Location).MaxLength("location", request.Location, 300)
            .ThrowIfInvalid();
        var schoolId = request.SchoolId!.Value;
        if (caller.SchoolId != schoolId || caller.Role is not (Role.SchoolAdmin or Role.Teacher or Role.Counsellor or Role.Parent))
        {
            throw new ForbiddenException("只能为本校上报隐患 / Only the school's staff and parents may report for this school.");
        }
        var school = await session.School(schoolId, ct);
        if (school is null)
        {
            throw new ValidationFailed(new Dictionary<string, string[]> { ["schoolId"] = ["不是已登记的学校 / is not a registered school"] });
        }
        if (!caller.Covers(school.CountyCode))
        {
            throw new ForbiddenException("学校不在你的区域 / The school is outside your region.");
        }

        var unit = await session.ResponsibleUnit(schoolId, request.Kind!, ct);
        var reportId = Guid.CreateVersion7();
        // The description may name children: sealed with the report's own key, stored in the same transaction.
        var key = RecordKey.New(reportId);
        key.Store(session, Master(http), clock.GetUtcNow());
        var command = new FileHazardReport(reportId, schoolId, school.CountyCode, request.Kind!,
            RecordCipher.Seal(key, request.Description!.Trim()), request.Location!, caller.Subject, caller.Role,
            unit is null ? null : new ResponsibleUnit(unit.UnitId, unit.Kind), clock.GetUtcNow());
        return await session.Start<SurroundingsReport, SurroundingsReport>(
            http, reportId, HazardDecider.Decide(command), $"/api/campussafety/reports/{reportId}", r => r.Opened(key), ct);
    }

    private static async Task<Results<Ok<SurroundingsReport>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var report = await Visible(id, http.Caller(), session, ct);
        return http.Versioned(report.Opened(await RecordKey.LoadAsync(session, Master(http), id, ct)), report.Version);
    }

    private static async Task<Ok<Page<SurroundingsReport>>> List(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, HazardStatus? status,
        string? kind, Guid? schoolId, string? county, bool? overdue, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = Scoped(session.Query<SurroundingsReport>(), caller);
        if (status is { } s) query = query.Where(r => r.Status == s);
        if (!string.IsNullOrEmpty(kind)) query = query.Where(r => r.Kind == kind);
        if (schoolId is { } school) query = query.Where(r => r.SchoolId == school);
        if (!string.IsNullOrEmpty(county)) query = query.Where(r => r.CountyCode.StartsWith(county));
        if (overdue == true)
        {
            var now = clock.GetUtcNow();
            query = query.Where(r => r.DueAt <= now && (r.Status == HazardStatus.Reported
                || r.Status == HazardStatus.Assigned || r.Status == HazardStatus.Acknowledged));
        }
        return TypedResults.Ok(await Opened(await query.OrderByDescending(r => r.ReportedAt).ToPageAsync(paging, ct), http, session, ct));
    }

    /// <summary>County admins (and city, province) see the escalated, still unresolved reports of their region.</summary>
    private static async Task<Ok<Page<SurroundingsReport>>> Escalations(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        if (!caller.IsAdministration)
        {
            throw new ForbiddenException("督办列表仅供教育行政部门 / Escalations are for the education administration.");
        }
        var query = session.Query<SurroundingsReport>()
            .Where(r => r.Escalated && r.CountyCode.StartsWith(caller.Region));
        if (!string.IsNullOrEmpty(county)) query = query.Where(r => r.CountyCode.StartsWith(county));
        return TypedResults.Ok(await Opened(await query.OrderBy(r => r.DueAt).ToPageAsync(paging, ct), http, session, ct));
    }

    private static async Task<Ok<IReadOnlyList<ServingUnit>>> ServingUnits(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var school = await session.School(id, ct);
        if (school is null || !(caller.IsStaffOf(id, school.CountyCode) || caller.IsAdministrationOver(school.CountyCode)))
        {
            throw Access.NotFound("学校", id);
        }
        return TypedResults.Ok(await session.ServingUnits(id, ct));
    }

    private static async Task<Ok<SurroundingsReport>> Route(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        return await Write(session, http, id, SchoolOrAdministration(caller, "只有学校管理员或教育行政部门可以分派 / Only the school's admins or the administration may route a report."),
            async s =>
            {
                var unit = await session.ResponsibleUnit(s.SchoolId, s.Kind, ct);
                return HazardDecider.Decide(new RouteHazardReport(unit is null ? null : new ResponsibleUnit(unit.UnitId, unit.Kind), clock.GetUtcNow()), s);
            }, ct);
    }

    private static async Task<Ok<SurroundingsReport>> Acknowledge(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new AcknowledgeHazardReport(UnitOf(caller), caller.Subject, clock.GetUtcNow());
        return await Write(session, http, id, SeenBy(caller), s => Task.FromResult(HazardDecider.Decide(command, s)), ct);
    }

    private static async Task<Ok<SurroundingsReport>> Resolve(
        Guid id, ResolveHazardReportRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("note", request.Note).MaxLength("note", request.Note, 2000).ThrowIfInvalid();
        var command = new ResolveHazardReport(UnitOf(caller), request.Note!, caller.Subject, clock.GetUtcNow());
        return await Write(session, http, id, SeenBy(caller), s => Task.FromResult(HazardDecider.Decide(command, s)), ct);
    }

    private static async Task<Ok<SurroundingsReport>> Close(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new CloseHazardReport(caller.Subject, clock.GetUtcNow());
        return await Write(session, http, id, SchoolAdmin(caller), s => Task.FromResult(HazardDecider.Decide(command, s)), ct);
    }

    private static async Task<Ok<SurroundingsReport>> Reopen(
        Guid id, ReopenHazardReportRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 2000).ThrowIfInvalid();
        var command = new ReopenHazardReport(request.Reason!, caller.Subject, clock.GetUtcNow());
        return await Write(session, http, id, SchoolAdmin(caller), s => Task.FromResult(HazardDecider.Decide(command, s)), ct);
    }

    /// <summary>
    /// The school's admins (and the administration over it) erase a description that should not be kept, e.g. one
    /// that names a child: the key goes in the same transaction as the event that says so; a refusal deletes nothing.
    /// </summary>
    private static async Task<Ok<SurroundingsReport>> EraseDescription(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new EraseHazardDescription(caller.Subject, clock.GetUtcNow());
        return await session.Change<SurroundingsReport, SurroundingsReport>(http, id,
            SchoolOrAdministration(caller, "只有学校管理员或教育行政部门可以销毁描述 / Only the school's admins or the administration may erase a description."),
            s => HazardDecider.Decide(command, s), r => r.Opened(null), ct,
            stage: (_, _) =>
            {
                PersonalDataVault.EraseKey(session, id);
                return Task.CompletedTask;
            }, missing: () => Access.NotFound("隐患上报", id));
    }

    private static Guid? UnitOf(Caller caller) => caller.Role == Role.MemberOfficer ? caller.MemberUnitId : null;

    /// <summary>
    /// A command on a report the caller may see (404 otherwise, as for a read), checked by <paramref name="authorise"/>
    /// inside the write step, answered with the description opened for them.
    /// </summary>
    private static async Task<Ok<SurroundingsReport>> Write(
        IDocumentSession session, HttpContext http, Guid id, Action<SurroundingsReport> authorise,
        Func<SurroundingsReport, Task<IReadOnlyList<object>>> decide, CancellationToken ct)
    {
        var key = await RecordKey.LoadAsync(session, Master(http), id, ct);
        return await session.Change(http, id, authorise, decide, r => r.Opened(key), ct, missing: () => Access.NotFound("隐患上报", id));
    }

    private static Action<SurroundingsReport> SeenBy(Caller caller) => report =>
    {
        if (!CanSee(caller, report))
        {
            throw Access.NotFound("隐患上报", report.Id);
        }
    };

    private static Action<SurroundingsReport> SchoolAdmin(Caller caller) => report =>
    {
        SeenBy(caller)(report);
        if (!caller.IsAdminOf(report.SchoolId, report.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以验收或退回 / Only the school's admins may verify, close or reopen a report.");
        }
    };

    private static Action<SurroundingsReport> SchoolOrAdministration(Caller caller, string refusal) => report =>
    {
        SeenBy(caller)(report);
        if (!caller.IsAdminOf(report.SchoolId, report.CountyCode) && !caller.IsAdministrationOver(report.CountyCode))
        {
            throw new ForbiddenException(refusal);
        }
    };

    private static IMasterKey Master(HttpContext http) => http.RequestServices.GetRequiredService<IMasterKey>();

    /// <summary>A page of reports with each description opened (the erased ones empty).</summary>
    private static async Task<Page<SurroundingsReport>> Opened(
        Page<SurroundingsReport> page, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var keys = await PersonalDataVault.LoadKeysAsync(session, Master(http), page.Items.Select(r => r.Id), ct);
        var names = await session.NamesAsync(page.Items.SelectMany(r => new[] { (Guid?)r.SchoolId, r.UnitId }), ct);
        return page.Map(r => r.Opened(keys.TryGetValue(r.Id, out var key) ? new RecordKey(r.Id, key) : null) with
        {
            SchoolName = names.GetValueOrDefault(r.SchoolId),
            UnitName = r.UnitId is { } unit ? names.GetValueOrDefault(unit) : null,
        });
    }


    /// <summary>The report, if the caller may see it; otherwise it does not exist for them.</summary>
    internal static async Task<SurroundingsReport> Visible(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var report = await session.LoadAsync<SurroundingsReport>(id, ct);
        if (report is null || !CanSee(caller, report))
        {
            throw Access.NotFound("隐患上报", id);
        }
        return report;
    }

    private static bool CanSee(Caller caller, SurroundingsReport r) =>
        caller.IsAdministrationOver(r.CountyCode)
        || caller.IsStaffOf(r.SchoolId, r.CountyCode)
        || (caller.Role == Role.Parent && caller.Subject == r.ReportedBy)
        || (caller.Role == Role.MemberOfficer && r.UnitId is not null && caller.MemberUnitId == r.UnitId)
        || (caller.Role == Role.DepartmentOfficer && caller.Covers(r.CountyCode) && r.UnitKind is { } kind
            && DepartmentKinds(caller).Contains(kind));

    /// <summary>
    /// The unit kinds of a department officer's department (a traffic police officer: units of kind TrafficPolice):
    /// they see, read-only, the reports routed to such units inside their region.
    /// </summary>
    private static string[] DepartmentKinds(Caller caller) =>
        caller.Department is { } department ? [.. UnitDepartments.KindsOf(department)] : [];

    private static IQueryable<SurroundingsReport> Scoped(IQueryable<SurroundingsReport> query, Caller caller)
    {
        var region = caller.Region;
        switch (caller.Role)
        {
            case Role.MemberOfficer:
                var unit = caller.MemberUnitId ?? Guid.Empty;
                return query.Where(r => r.UnitId == unit && r.CountyCode.StartsWith(region));
            case Role.SchoolAdmin or Role.Teacher or Role.Counsellor:
                var school = caller.SchoolId ?? Guid.Empty;
                return query.Where(r => r.SchoolId == school && r.CountyCode.StartsWith(region));
            case Role.Parent:
                var subject = caller.Subject;
                return query.Where(r => r.ReportedBy == subject && r.ReporterRole == Role.Parent);
            case Role.DepartmentOfficer:
                var kinds = DepartmentKinds(caller);
                return query.Where(r => r.CountyCode.StartsWith(region) && r.UnitKind != null && kinds.Contains(r.UnitKind));
            case Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin:
                return query.Where(r => r.CountyCode.StartsWith(region));
            default:
                return query.Where(r => r.Id == Guid.Empty);
        }
    }
}
