using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Activities;

/// <summary>The body of <c>POST /api/activities</c>.</summary>
/// <param name="Dimensions">五育 it serves (<c>Moral</c> 德, <c>Intellectual</c> 智, <c>Physical</c> 体, <c>Aesthetic</c> 美,
/// <c>Labour</c> 劳); none: what its kind serves.</param>
/// <param name="BaseId">The base it uses (a resource of the catalogue); by default its resource, if any.</param>
public sealed record DraftActivityRequest(
    ActivityKind? Kind, string? Title, string? Location, bool? OffCampus, DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt, int? Seats, int? MinAge, int? MaxAge, Guid? ResourceId, Guid? AllianceId,
    IReadOnlyList<string>? Topics, IReadOnlyList<Dimension>? Dimensions = null, Guid? BaseId = null);

public sealed record OpenActivityRequest(string? Arrangements);

public sealed record CancelActivityRequest(string? Reason);

public static class ActivitiesApi
{
    public const int MaxSeats = 10_000;

    public static RouteGroupBuilder MapActivityEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities").WithTags("Activities 研学与实践");
        group.MapPost("/", Draft).WithSummary("创建活动（草稿） / Draft an activity");
        group.MapGet("/", Calendar).WithSummary("活动日历 / The calendar of activities in the caller's scope");
        group.MapGet("/safety-plan-reviews", SafetyPlanReviews)
            .WithSummary("待审安全预案（按审核截止时间） / Activities whose safety plan awaits review, by review deadline (county, city, province)");
        group.MapGet("/{id:guid}", Get).WithSummary("活动详情：余位与候补人数 / An activity, with seats left and waitlist length");
        group.MapPost("/{id:guid}/open", Open).WithSummary("开放报名（校外活动先送安全预案） / Open for registration (off-campus: after the safety plan is approved)");
        group.MapPost("/{id:guid}/close", Close).WithSummary("截止报名 / Close registration");
        group.MapPost("/{id:guid}/complete", Complete).WithSummary("活动完成 / Mark the activity completed");
        group.MapPost("/{id:guid}/cancel", Cancel).WithSummary("取消活动 / Cancel the activity, with a reason");
        return group;
    }

    private static async Task<Created<ActivityView>> Draft(
        DraftActivityRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("kind", request.Kind)
            .Required("title", request.Title).MaxLength("title", request.Title, 200)
            .Required("location", request.Location).MaxLength("location", request.Location, 200)
            .Required("startsAt", request.StartsAt)
            .Required("endsAt", request.EndsAt)
            .Check(request.StartsAt is null || request.EndsAt is null || request.EndsAt > request.StartsAt, "endsAt",
                "须晚于开始时间 / must be after startsAt")
            .Required("seats", request.Seats)
            .Check(request.Seats is null or (>= 1 and <= MaxSeats), "seats", $"须在 1 到 {MaxSeats} 之间 / must be between 1 and {MaxSeats}")
            .Required("minAge", request.MinAge)
            .Required("maxAge", request.MaxAge)
            .Check(request.MinAge is null or (>= 3 and <= 25), "minAge", "须在 3 到 25 之间 / must be between 3 and 25")
            .Check(request.MaxAge is null or (>= 3 and <= 25), "maxAge", "须在 3 到 25 之间 / must be between 3 and 25")
            .Check(request.MinAge is null || request.MaxAge is null || request.MaxAge >= request.MinAge, "maxAge",
                "不得小于 minAge / must not be less than minAge")
            .Check(request.Topics is null || (request.Topics.Count <= 10 && request.Topics.All(t => !string.IsNullOrWhiteSpace(t) && t.Length <= 50)),
                "topics", "至多 10 个非空标签 / at most 10 non-empty tags")
            .Check(request.Dimensions is null || request.Dimensions.All(Enum.IsDefined), "dimensions",
                "须为 Moral、Intellectual、Physical、Aesthetic、Labour 之一 / must each be one of Moral, Intellectual, Physical, Aesthetic, Labour")
            .ThrowIfInvalid();
        await Bases.MustBeKnownAsync(session, caller, request.BaseId, ct);

        KnownResource? resource = null;
        if (request.ResourceId is { } resourceId)
        {
            resource = await session.LoadAsync<KnownResource>(resourceId, ct);
            new Validation().Check(resource is not null && caller.Covers(resource.CountyCode), "resourceId",
                "不是本区域已知的资源 / is not a resource known in your region").ThrowIfInvalid();
        }

        if (request.AllianceId is { } named)
        {
            var alliance = await session.LoadAsync<KnownAlliance>(named, ct);
            new Validation().Check(alliance is not null && caller.Covers(alliance.CountyCode), "allianceId",
                "不是本区域已知的教联体 / is not an alliance known in your region").ThrowIfInvalid();
        }

        Guid? schoolId = null;
        Guid? allianceId = request.AllianceId ?? resource?.AllianceId;
        string county;
        if (caller.IsStaff())
        {
            var school = caller.SchoolId is { } id ? await session.SchoolAsync(id, ct) : null;
            if (school is null)
            {
                throw new RuleViolation("school-unknown",
                    "您的学校尚未在教联体成员单位中登记 / Your school is not (yet) registered as an alliance member unit.");
            }
            schoolId = school.Id;
            county = school.CountyCode;
        }
        else if (caller.IsAdministration && request.AllianceId is { } aid)
        {
            var alliance = await session.LoadAsync<KnownAlliance>(aid, ct);
            new Validation().Check(alliance is not null && caller.Covers(alliance.CountyCode), "allianceId",
                "不是本区域已知的教联体 / is not an alliance known in your region").ThrowIfInvalid();
            county = alliance!.CountyCode;
        }
        else
        {
            throw new ForbiddenException(
                "学校的活动由本校管理员或教师创建；教联体的活动由本县教育行政部门创建（须注明 allianceId） / A school's activities are drafted by its admins and teachers; an alliance's by the county bureau (with allianceId).");
        }
        if (resource is not null && resource.CountyCode != county)
        {
            throw new ValidationFailed(new Dictionary<string, string[]>
            {
                ["resourceId"] = ["资源不在活动所在县 / the resource is in another county"],
            });
        }

        var allianceStatus = await Venues.AllianceStatusAsync(session, allianceId, ct);
        var kind = request.Kind!.Value;
        var command = new DraftActivity(
            Guid.CreateVersion7(), kind, schoolId, allianceId,
            resource is null ? null : new ResourceTerms(resource.Id, resource.AllianceId, resource.UnitId, resource.Capacity, resource.Withdrawn),
            request.Title!, request.Location!,
            request.OffCampus ?? (kind == ActivityKind.StudyTrip || resource is not null),
            request.StartsAt!.Value, request.EndsAt!.Value, request.Seats!.Value, request.MinAge!.Value,
            request.MaxAge!.Value, county,
            request.Topics?.Select(t => t.Trim()).Distinct().ToArray() ?? resource?.Topics.ToArray() ?? [],
            caller.Subject, clock.GetUtcNow(), allianceStatus, request.Dimensions, request.BaseId);
        await session.StartStream<Activity>(command.ActivityId, ActivityDecider.Decide(command, null), ct);
        // The ETag is the activity's revision, not the stream's version: hence not StreamWrites.Start.
        var view = (await session.LoadAsync<ActivityView>(command.ActivityId, ct))!;
        return http.Created($"/api/activities/{command.ActivityId}", view, view.Revision);
    }

    private static async Task<Ok<Page<ActivityView>>> Calendar(
        HttpContext http, IQuerySession session, int? page, int? pageSize, Guid? school, string? county,
        DateTimeOffset? from, DateTimeOffset? to, ActivityKind? kind, ActivityStatus? status, Guid? resource,
        bool? flagged, Guid? alliance, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<ActivityView>().AsQueryable();

        // The caller's scope first (the same rules as Scope.CanSee, as a query).
        query = caller.Role switch
        {
            Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin => query.Where(a => a.CountyCode.StartsWith(caller.Region)),
            Role.SchoolAdmin or Role.Teacher or Role.Counsellor => query.Where(a =>
                a.SchoolId == caller.SchoolId
                || (a.CountyCode.StartsWith(caller.Region) && a.Status != ActivityStatus.Draft && a.Status != ActivityStatus.AwaitingSafetyPlan)),
            Role.MemberOfficer => query.Where(a => a.ResourceUnitId == caller.MemberUnitId && a.ResourceUnitId != null),
            _ => query.Where(a => a.CountyCode.StartsWith(caller.Region)
                && a.Status != ActivityStatus.Draft && a.Status != ActivityStatus.AwaitingSafetyPlan),
        };
        if (school is { } s) query = query.Where(a => a.SchoolId == s);
        if (!string.IsNullOrEmpty(county)) query = query.Where(a => a.CountyCode.StartsWith(county));
        if (from is { } f) query = query.Where(a => a.StartsAt >= f);
        if (to is { } t) query = query.Where(a => a.StartsAt < t);
        if (kind is { } k) query = query.Where(a => a.Kind == k);
        if (status is { } st) query = query.Where(a => a.Status == st);
        if (resource is { } r) query = query.Where(a => a.ResourceId == r);
        if (alliance is { } al) query = query.Where(a => a.AllianceId == al);
        // Flagged: still to take place under an alliance that is suspended or dissolved.
        if (flagged == true) query = query.Where(a => a.AllianceFlag != null
            && a.Status != ActivityStatus.Completed && a.Status != ActivityStatus.Cancelled);
        var found = await query.OrderBy(a => a.StartsAt).ThenBy(a => a.Id).ToPageAsync(paging, ct);
        var names = await session.NamesAsync(found.Items.SelectMany(a => new[] { a.SchoolId, a.AllianceId, a.ResourceUnitId }), ct);
        foreach (var activity in found.Items)
        {
            activity.SchoolName = activity.SchoolId is { } sc ? names.GetValueOrDefault(sc) : null;
            activity.AllianceName = activity.AllianceId is { } a ? names.GetValueOrDefault(a) : null;
            activity.ResourceUnitName = activity.ResourceUnitId is { } u ? names.GetValueOrDefault(u) : null;
        }
        return TypedResults.Ok(found);
    }

    /// <summary>
    /// The county's (city's, province's) list of safety plans waiting for review, the nearest review deadline first.
    /// The deadline is the start: a plan unreviewed then cancels its activity.
    /// </summary>
    private static async Task<Ok<Page<ActivityView>>> SafetyPlanReviews(
        HttpContext http, IQuerySession session, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!caller.IsAdministration)
        {
            throw new ForbiddenException("待审安全预案清单仅供教育行政部门查看 / The list of plans awaiting review is for the education bureaus.");
        }
        var paging = Paging.From(page, pageSize);
        return TypedResults.Ok(await session.Query<ActivityView>()
            .Where(a => a.CountyCode.StartsWith(caller.Region) && a.Status == ActivityStatus.AwaitingSafetyPlan)
            .OrderBy(a => a.SafetyPlanReviewDeadline).ThenBy(a => a.Id)
            .ToPageAsync(paging, ct));
    }

    private static async Task<Results<Ok<ActivityView>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var view = await session.LoadAsync<ActivityView>(id, ct);
        if (view is null || !caller.CanSee(view))
        {
            throw Scope.NotFound(id);
        }
        return http.Versioned(view, view.Revision);
    }

    /// <summary>
    /// Opening (or asking for the safety plan) holds the activity's seats. Not under a suspended or dissolved alliance;
    /// at a venue, not beyond what the venue holds at that time with the other activities there.
    /// </summary>
    private static async Task<Ok<ActivityView>> Open(Guid id, OpenActivityRequest? request, HttpContext http,
        IQuerySession session, IDocumentStore store, ActivityWriter writer, TimeProvider clock, CancellationToken ct)
    {
        new Validation().MaxLength("arrangements", request?.Arrangements, 4000).ThrowIfInvalid();
        var caller = http.Caller();
        var view = await session.LoadAsync<ActivityView>(id, ct);
        caller.MustRun(view, id);
        var alliance = await Venues.AllianceStatusAsync(session, view!.AllianceId, ct);
        var revision = Revision(http);
        if (view.ResourceId is not { } resourceId)
        {
            var command = new OpenActivity(id, revision, request?.Arrangements, caller.Subject, clock.GetUtcNow(), alliance);
            return await writer.Change(http, session, id, state => ActivityDecider.Decide(command, state), ct);
        }
        var after = await Venues.OpenAsync(store, id, resourceId, (state, venue) => ActivityDecider.Decide(
            new OpenActivity(id, revision, request?.Arrangements, caller.Subject, clock.GetUtcNow(), alliance, venue), state), ct);
        return http.Changed((await session.LoadAsync<ActivityView>(id, ct))!, after.Revision);
    }

    private static async Task<Ok<ActivityView>> Close(Guid id, HttpContext http, IQuerySession session, ActivityWriter writer,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = await Organiser(id, http, session, ct);
        var command = new CloseActivity(id, Revision(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ActivityDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<ActivityView>> Complete(Guid id, HttpContext http, IQuerySession session, ActivityWriter writer,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = await Organiser(id, http, session, ct);
        var command = new CompleteActivity(id, Revision(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ActivityDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<ActivityView>> Cancel(Guid id, CancelActivityRequest? request, HttpContext http,
        IQuerySession session, ActivityWriter writer, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("reason", request?.Reason).MaxLength("reason", request?.Reason, 500).ThrowIfInvalid();
        var caller = await Organiser(id, http, session, ct);
        var command = new CancelActivity(id, Revision(http), request!.Reason!, caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ActivityDecider.Decide(command, state), ct);
    }

    /// <summary>The authorise step: the caller runs this activity (404 if they may not know it, else 403).</summary>
    private static async Task<Caller> Organiser(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.MustRun(await session.LoadAsync<ActivityView>(id, ct), id);
        return caller;
    }

    /// <summary>If-Match: the activity's revision the command expects (the decider answers 412 if it moved on).</summary>
    private static int Revision(HttpContext http) => (int)http.ExpectedVersion();
}
