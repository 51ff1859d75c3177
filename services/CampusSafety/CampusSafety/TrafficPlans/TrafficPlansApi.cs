using JiaoLianTi.CampusSafety.Schools;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.TrafficPlans;

public sealed record BusStopRequest(string? Name, TimeOnly? Time);
public sealed record BusRouteRequest(string? Name, string? Vehicle, IReadOnlyList<BusStopRequest>? Stops);
public sealed record TrafficPlanRequest(Guid? SchoolId, string? Summary, IReadOnlyList<BusRouteRequest>? Routes);
public sealed record ReviewTrafficPlanRequest(string? Notes);

public static class TrafficPlansApi
{
    public static void MapTrafficPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/traffic-plans").WithTags("TrafficPlan 一校一策");
        group.MapPost("/", DrawUp).WithSummary("制定交通安全方案 / Draw up the school's traffic plan and bus routes");
        group.MapGet("/", List).WithSummary("方案列表（可筛逾期复核） / Plans; reviewOverdue=true lists overdue reviews");
        group.MapGet("/{schoolId:guid}", Get).WithSummary("学校的方案 / A school's plan");
        group.MapPut("/{schoolId:guid}", Revise).WithSummary("修订 / Revise the plan");
        group.MapPost("/{schoolId:guid}/review", Review).WithSummary("年度复核 / The yearly review");
    }

    private static async Task<Created<TrafficPlan>> DrawUp(
        TrafficPlanRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var routes = Validate(request, requireSchool: true);
        var school = await session.School(request.SchoolId!.Value, ct);
        if (school is null || !caller.IsAdminOf(school.Id, school.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以制定方案 / Only the school's admins may draw up its plan.");
        }
        var command = new DrawUpTrafficPlan(school.Id, school.CountyCode, request.Summary!, routes, caller.Subject, clock.GetUtcNow());
        try
        {
            return await session.Start<TrafficPlan>(http, school.Id, TrafficPlanDecider.Decide(command),
                $"/api/campussafety/traffic-plans/{school.Id}", ct);
        }
        catch (Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            // The stream id is the school id: the database itself keeps it to one plan, even for two racing requests.
            // (Platform's mapping knows JasperFx's collision exception, not Marten's own, which is what Marten 9 throws.)
            throw new RuleViolation("plan-exists", "一校一策：本校已有方案，请修订 / The school has its plan already: revise it instead.");
        }
    }

    private static async Task<Results<Ok<TrafficPlan>, StatusCodeHttpResult>> Get(
        Guid schoolId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var plan = await Visible(schoolId, http.Caller(), session, ct);
        return http.Versioned(plan, plan.Version);
    }

    private static async Task<Ok<Page<TrafficPlan>>> List(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, string? county,
        bool? reviewOverdue, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var region = caller.Region;
        var query = session.Query<TrafficPlan>().Where(p => p.CountyCode.StartsWith(region));
        if (!caller.IsAdministration)
        {
            var own = caller.Role is Role.SchoolAdmin or Role.Teacher or Role.Counsellor ? caller.SchoolId ?? Guid.Empty : Guid.Empty;
            query = query.Where(p => p.Id == own);
        }
        if (!string.IsNullOrEmpty(county)) query = query.Where(p => p.CountyCode.StartsWith(county));
        if (reviewOverdue == true)
        {
            var today = TrafficPlanDecider.Today(clock.GetUtcNow());
            query = query.Where(p => p.ReviewDueOn < today);
        }
        return TypedResults.Ok(await query.OrderBy(p => p.ReviewDueOn).ToPageAsync(paging, ct));
    }

    private static async Task<Ok<TrafficPlan>> Revise(
        Guid schoolId, TrafficPlanRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var routes = Validate(request, requireSchool: false);
        await SchoolAdminOnly(schoolId, caller, session, ct);
        var command = new ReviseTrafficPlan(request.Summary!, routes, caller.Subject, clock.GetUtcNow());
        return await session.Change<TrafficPlan>(http, schoolId, null, p => TrafficPlanDecider.Decide(command, p), ct);
    }

    private static async Task<Ok<TrafficPlan>> Review(
        Guid schoolId, ReviewTrafficPlanRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("notes", request.Notes).MaxLength("notes", request.Notes, 2000).ThrowIfInvalid();
        var plan = await Visible(schoolId, caller, session, ct);
        if (!caller.IsAdminOf(plan.Id, plan.CountyCode) && !(caller.Role == Role.CountyAdmin && caller.Covers(plan.CountyCode)))
        {
            throw new ForbiddenException("年度复核由学校管理员或县教育行政部门记录 / The school's admins or the county admins record the review.");
        }
        var command = new ReviewTrafficPlan(request.Notes!, caller.Subject, clock.GetUtcNow());
        return await session.Change<TrafficPlan>(http, schoolId, null, p => TrafficPlanDecider.Decide(command, p), ct);
    }

    private static IReadOnlyList<BusRoute> Validate(TrafficPlanRequest request, bool requireSchool)
    {
        var routes = request.Routes ?? [];
        var validation = new Validation()
            .Check(!requireSchool || request.SchoolId is not null, "schoolId", "必填 / is required")
            .Required("summary", request.Summary).MaxLength("summary", request.Summary, 4000)
            .Check(routes.Count <= 50, "routes", "最多 50 条线路 / at most 50 routes");
        for (var i = 0; i < routes.Count; i++)
        {
            var stops = routes[i].Stops ?? [];
            validation.Required($"routes[{i}].name", routes[i].Name).MaxLength($"routes[{i}].name", routes[i].Name, 100)
                .MaxLength($"routes[{i}].vehicle", routes[i].Vehicle, 100)
                .Check(stops.Count is >= 2 and <= 60, $"routes[{i}].stops", "须有 2 到 60 个站点 / needs 2 to 60 stops");
            for (var j = 0; j < stops.Count; j++)
            {
                validation.Required($"routes[{i}].stops[{j}].name", stops[j].Name)
                    .MaxLength($"routes[{i}].stops[{j}].name", stops[j].Name, 100)
                    .Required($"routes[{i}].stops[{j}].time", stops[j].Time);
            }
        }
        validation.ThrowIfInvalid();
        return routes.Select(r => new BusRoute(r.Name!.Trim(), r.Vehicle?.Trim(),
            r.Stops!.Select(s => new BusStop(s.Name!.Trim(), s.Time!.Value)).ToList())).ToList();
    }


    private static async Task SchoolAdminOnly(Guid schoolId, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var plan = await Visible(schoolId, caller, session, ct);
        if (!caller.IsAdminOf(plan.Id, plan.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以修订方案 / Only the school's admins may revise its plan.");
        }
    }

    /// <summary>The school's staff, the administration over it, and the traffic police or police serving it.</summary>
    private static async Task<TrafficPlan> Visible(Guid schoolId, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var plan = await session.LoadAsync<TrafficPlan>(schoolId, ct);
        if (plan is not null && (caller.IsAdministrationOver(plan.CountyCode) || caller.IsStaffOf(plan.Id, plan.CountyCode)))
        {
            return plan;
        }
        if (plan is not null && caller.Role == Role.MemberOfficer && caller.MemberUnitId is { } unit
            && (await session.ServingUnits(plan.Id, ct)).Any(u => u.UnitId == unit))
        {
            return plan;
        }
        throw Access.NotFound("交通安全方案", schoolId);
    }
}
