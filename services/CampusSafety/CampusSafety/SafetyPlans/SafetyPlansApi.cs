using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.SafetyPlans;

public sealed record ApproveSafetyPlanRequest(string? Notes);
public sealed record RejectSafetyPlanRequest(string? Reasons);

/// <summary>
/// Reviewers are the county admins of the activity's county (教育行政部门): an activity need not belong to one
/// school (SchoolId is optional), so "the school's police officer" is not always defined, while the county always is.
/// </summary>
public static class SafetyPlansApi
{
    public static void MapSafetyPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/safety-plans").WithTags("SafetyPlan 安全预案");
        group.MapGet("/", List).WithSummary("待审/已审预案 / Safety plans");
        group.MapGet("/{id:guid}", Get).WithSummary("预案详情 / A safety plan");
        group.MapPost("/{id:guid}/approve", Approve).WithSummary("通过 / Approve");
        group.MapPost("/{id:guid}/reject", Reject).WithSummary("驳回 / Reject, with reasons");
    }

    private static async Task<Ok<Page<SafetyPlan>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, SafetyPlanStatus? status, string? county,
        Guid? activityId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var region = caller.Region;
        var query = session.Query<SafetyPlan>().Where(p => p.CountyCode.StartsWith(region));
        if (!caller.IsAdministration)
        {
            Guid? school = caller.Role == Role.SchoolAdmin ? caller.SchoolId ?? Guid.Empty : Guid.Empty;
            query = query.Where(p => p.SchoolId == school);
        }
        if (status is { } s) query = query.Where(p => p.Status == s);
        if (!string.IsNullOrEmpty(county)) query = query.Where(p => p.CountyCode.StartsWith(county));
        if (activityId is { } a) query = query.Where(p => p.ActivityId == a);
        var plans = await query.OrderBy(p => p.StartsAt).ToPageAsync(paging, ct);
        var names = await session.NamesAsync(plans.Items.Select(p => p.SchoolId), ct);
        return TypedResults.Ok(plans.Map(p => p with { SchoolName = p.SchoolId is { } school ? names.GetValueOrDefault(school) : null }));
    }

    private static async Task<Results<Ok<SafetyPlan>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var plan = await Visible(id, http.Caller(), session, ct);
        return http.Versioned(plan, plan.Version);
    }

    private static async Task<Ok<SafetyPlan>> Approve(
        Guid id, ApproveSafetyPlanRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().MaxLength("notes", request?.Notes, 2000).ThrowIfInvalid();
        await ReviewerOnly(id, caller, session, ct);
        var command = new ApproveSafetyPlan(request?.Notes, caller.Subject, clock.GetUtcNow());
        return await session.Change<SafetyPlan>(http, id, null, p => SafetyPlanDecider.Decide(command, p), ct);
    }

    private static async Task<Ok<SafetyPlan>> Reject(
        Guid id, RejectSafetyPlanRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reasons", request.Reasons).MaxLength("reasons", request.Reasons, 2000).ThrowIfInvalid();
        await ReviewerOnly(id, caller, session, ct);
        var command = new RejectSafetyPlan(request.Reasons!, caller.Subject, clock.GetUtcNow());
        return await session.Change<SafetyPlan>(http, id, null, p => SafetyPlanDecider.Decide(command, p), ct);
    }


    private static async Task ReviewerOnly(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var plan = await Visible(id, caller, session, ct);
        if (caller.Role != Role.CountyAdmin || !caller.Covers(plan.CountyCode))
        {
            throw new ForbiddenException("安全预案由活动所在县的教育行政部门审核 / The county admins of the activity's county review its safety plan.");
        }
    }

    private static async Task<SafetyPlan> Visible(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var plan = await session.LoadAsync<SafetyPlan>(id, ct);
        return plan is not null && (caller.IsAdministrationOver(plan.CountyCode)
                || (plan.SchoolId is { } school && caller.IsAdminOf(school, plan.CountyCode)))
            ? plan
            : throw Access.NotFound("安全预案", id);
    }
}
