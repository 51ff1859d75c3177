using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Needs;

public sealed record RaiseNeedRequest(NeedCategory? Category, string? Description);
public sealed record MatchNeedRequest(Guid? UnitId, Guid? ResourceId);
public sealed record ResolutionRequest(string? Resolution);
public sealed record OfferRequest(string? Note);

public static class NeedsApi
{
    public static IEndpointRouteBuilder MapNeedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alliances/{allianceId:guid}/needs", Raise).WithTags("Needs 需求清单")
            .WithSummary("提出需求（学校） / A school raises a need");
        var group = app.MapGroup("/api/alliances/needs").WithTags("Needs 需求清单");
        group.AddEndpointFilter(async (context, next) =>
        {
            // A department officer only reads needs: a change is 403 when they may see the need, 404 when not.
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && Guid.TryParse(http.Request.RouteValues["id"]?.ToString(), out var id))
            {
                var caller = http.Caller();
                if (caller.Role == Role.DepartmentOfficer)
                {
                    var session = http.RequestServices.GetRequiredService<IQuerySession>();
                    var need = await session.LoadAsync<Need>(id, http.RequestAborted);
                    await Departments.RefuseChangeAsync(session, caller, need?.MatchedUnitId, need?.CountyCode, "需求 Need", http.RequestAborted);
                }
            }
            return await next(context);
        });
        group.MapGet("/", List).WithSummary("需求清单 / Needs the caller may see");
        group.MapGet("/{id:guid}", Get).WithSummary("需求 / A need");
        group.MapPost("/{id:guid}/match", Match).WithSummary("匹配资源或成员 / Match to a resource or a member");
        group.MapPost("/{id:guid}/offer", Offer).WithSummary("表示认领（成员单位，县级决定） / A member offers to take a raised need (the county decides)");
        group.MapPost("/{id:guid}/accept", Accept).WithSummary("认领（成员单位） / The matched member accepts");
        group.MapPost("/{id:guid}/decline", Decline).WithSummary("婉拒（成员单位） / The matched member declines");
        group.MapPost("/{id:guid}/resolve", Resolve).WithSummary("解决（成员单位） / The member resolved it");
        group.MapPost("/{id:guid}/close", Close).WithSummary("关闭（学校） / The school closes it");
        return app;
    }

    /// <summary>Needs may speak of children: only the county's admins, the school that raised it and the matched unit see one.</summary>
    public static bool MaySee(this Caller caller, Need need) =>
        caller.Covers(need.CountyCode) && (caller.IsAdministration
            || (caller.Role == Role.SchoolAdmin && caller.SchoolId == need.SchoolId)
            || (caller.Role == Role.MemberOfficer && caller.MemberUnitId is { } unit && unit == need.MatchedUnitId));

    /// <summary>
    /// What a member officer sees of a raised need of its alliance that is not matched to its unit: everything but the
    /// description, which may speak of children and reaches a unit only once the county matched the need to it.
    /// </summary>
    public const string Withheld = "（匹配给您的单位后可见 / shown once the need is matched to your unit）";

    private static Need ForOfficer(Caller caller, Need need) =>
        (caller.Role == Role.MemberOfficer && need.MatchedUnitId != caller.MemberUnitId) || caller.Role == Role.DepartmentOfficer
            ? need with { Description = Withheld } : need;

    /// <summary>The alliances the officer's unit is a current member of.</summary>
    private static async Task<IReadOnlyList<Guid>> AlliancesOf(IQuerySession session, Caller caller, CancellationToken ct) =>
        caller.Role == Role.MemberOfficer && caller.MemberUnitId is { } unit
            ? await session.Query<Membership>().Where(m => m.UnitId == unit && m.LeftAt == null).Select(m => m.AllianceId).ToListAsync(ct)
            : [];

    private static async Task<Created<Need>> Raise(
        Guid allianceId, RaiseNeedRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("category", request.Category)
            .Required("description", request.Description).MaxLength("description", request.Description, 4000)
            .ThrowIfInvalid();
        var alliance = caller.Visible(await session.LoadAsync<Alliance>(allianceId, ct), a => a.CountyCode, "教联体 Alliance");
        Access.Require(caller.Role == Role.SchoolAdmin && caller.SchoolId is not null,
            "只有学校管理员可以提出需求 / Only a school's admin may raise a need.");
        var command = new RaiseNeed(Guid.CreateVersion7(), alliance, caller.SchoolId!.Value, request.Category!.Value,
            request.Description!, caller.Subject, clock.GetUtcNow());
        return await session.Start<Need>(http, command.NeedId, NeedDecider.Decide(command, null), $"/api/alliances/needs/{command.NeedId}", ct);
    }

    private static async Task<Ok<Page<Need>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, NeedStatus? status,
        NeedCategory? category, Guid? allianceId, Guid? schoolId, Guid? unitId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<Need>().Where(n => n.CountyCode.StartsWith(caller.Region));
        query = caller.Role switch
        {
            _ when caller.IsAdministration => query,
            Role.SchoolAdmin when caller.SchoolId is { } school => query.Where(n => n.SchoolId == school),
            Role.MemberOfficer when caller.MemberUnitId is { } unit => await RaisedInAlliancesOrMatched(query, unit),
            Role.DepartmentOfficer => await MatchedToDepartment(query),
            _ => query.Where(n => false),
        };
        if (!string.IsNullOrEmpty(county)) query = query.Where(n => n.CountyCode.StartsWith(county));
        if (status is { } s) query = query.Where(n => n.Status == s);
        if (category is { } c) query = query.Where(n => n.Category == c);
        if (allianceId is { } a) query = query.Where(n => n.AllianceId == a);
        if (schoolId is { } sc) query = query.Where(n => n.SchoolId == sc);
        if (unitId is { } u) query = query.Where(n => n.MatchedUnitId == u);
        var found = await query.OrderByDescending(n => n.RaisedAt).ToPageAsync(paging, ct);
        return TypedResults.Ok(await (found with { Items = found.Items.Select(n => ForOfficer(caller, n)).ToList() }).NamedAsync(session, ct));

        // A department officer sees the needs matched to units of their department in their region.
        async Task<IQueryable<Need>> MatchedToDepartment(IQueryable<Need> needs)
        {
            var units = await Departments.UnitsOfAsync(session, caller, ct);
            return needs.Where(n => n.MatchedUnitId != null && units.Contains(n.MatchedUnitId.Value));
        }

        // A member officer sees the needs matched to its unit, and the raised needs of its alliances (to offer).
        async Task<IQueryable<Need>> RaisedInAlliancesOrMatched(IQueryable<Need> needs, Guid unit)
        {
            var alliances = await AlliancesOf(session, caller, ct);
            return needs.Where(n => n.MatchedUnitId == unit || (n.Status == NeedStatus.Raised && alliances.Contains(n.AllianceId)));
        }
    }

    private static async Task<Results<Ok<Need>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var need = await SeenAsync(id, caller, session, ct);
        return http.Versioned(ForOfficer(caller, need), need.Version);
    }

    /// <summary>
    /// The need if the caller may see it (the county's admins, the school that raised it, the matched unit, a member of
    /// its alliance while it is raised, the matched unit's department), else 404 as for no need at all: every change
    /// asks this first, so that a need hidden from the caller is never confirmed by a 403, 409 or 412.
    /// </summary>
    private static async Task<Need> SeenAsync(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var need = await session.LoadAsync<Need>(id, ct);
        var mayOffer = need is { Status: NeedStatus.Raised } && (await AlliancesOf(session, caller, ct)).Contains(need.AllianceId);
        var department = need is not null && await Departments.ConcernsAsync(session, caller, need.MatchedUnitId, need.CountyCode, ct);
        return caller.Visible(need is not null && (caller.MaySee(need) || mayOffer || department) ? need : null, n => n.CountyCode, "需求 Need");
    }

    private static async Task<Ok<Need>> Match(
        Guid id, MatchNeedRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Check(request.UnitId is not null || request.ResourceId is not null, "unitId",
            "须指明成员单位或资源 / name a unit or a resource (resourceId)").ThrowIfInvalid();
        var caller = http.Caller();
        await SeenAsync(id, caller, session, ct);
        return await session.Change<Need>(http, id, InRegion(caller), async need =>
        {
            var alliance = (await session.LoadAsync<Alliance>(need.AllianceId, ct))!;
            Access.Require(caller.Manages(alliance) || (caller.Role == Role.SchoolAdmin && caller.SchoolId == need.SchoolId),
                "只有教联体管理者或提出需求的学校可以匹配 / Only the alliance's managers or the school may match a need.");
            Resource? resource = null;
            if (request.ResourceId is { } resourceId)
            {
                resource = await session.LoadAsync<Resource>(resourceId, ct);
                new Validation().Check(resource is not null && caller.Covers(resource.CountyCode), "resourceId",
                    "不是已知的资源 / is not a known resource").ThrowIfInvalid();
            }
            var unitId = request.UnitId ?? resource!.UnitId;
            new Validation().Check(resource is null || resource.UnitId == unitId, "unitId",
                "与资源的提供单位不符 / is not the unit that offers the resource").ThrowIfInvalid();
            return NeedDecider.Decide(new MatchNeed(id, alliance, unitId, resource, caller.Subject, clock.GetUtcNow()), need);
        }, ct);
    }

    private static async Task<Ok<Need>> Offer(
        Guid id, OfferRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().MaxLength("note", request?.Note, 2000).ThrowIfInvalid();
        var caller = http.Caller();
        Access.Require(caller.Role == Role.MemberOfficer && caller.MemberUnitId is not null,
            "只有成员单位联络人可以表示认领 / Only a member unit's officer may offer to take a need.");
        await SeenAsync(id, caller, session, ct);
        return await session.Change<Need, Need>(http, id, InRegion(caller), async need =>
        {
            var alliance = (await session.LoadAsync<Alliance>(need.AllianceId, ct))!;
            return NeedDecider.Decide(new OfferToTakeNeed(id, alliance, caller.MemberUnitId, request?.Note ?? "", caller.Subject,
                clock.GetUtcNow()), need);
        }, need => ForOfficer(caller, need), ct);
    }

    private static async Task<Ok<Need>> Accept(Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new AcceptNeed(id, OfficerUnit(caller), caller.Subject, clock.GetUtcNow());
        await SeenAsync(id, caller, session, ct);
        return await session.Change<Need>(http, id, InRegion(caller), state => NeedDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<Need>> Decline(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 2000).ThrowIfInvalid();
        var caller = http.Caller();
        var command = new DeclineNeed(id, OfficerUnit(caller), request.Reason!, caller.Subject, clock.GetUtcNow());
        await SeenAsync(id, caller, session, ct);
        return await session.Change<Need>(http, id, InRegion(caller), state => NeedDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<Need>> Resolve(
        Guid id, ResolutionRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("resolution", request.Resolution).MaxLength("resolution", request.Resolution, 4000).ThrowIfInvalid();
        var caller = http.Caller();
        var command = new ResolveNeed(id, OfficerUnit(caller), request.Resolution!, caller.Subject, clock.GetUtcNow());
        await SeenAsync(id, caller, session, ct);
        return await session.Change<Need>(http, id, InRegion(caller), state => NeedDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<Need>> Close(Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new CloseNeed(id, caller.Role == Role.SchoolAdmin ? caller.SchoolId : null, caller.Subject, clock.GetUtcNow());
        await SeenAsync(id, caller, session, ct);
        return await session.Change<Need>(http, id, InRegion(caller), state => NeedDecider.Decide(command, state), ct);
    }

    private static Guid? OfficerUnit(Caller caller) => caller.Role == Role.MemberOfficer ? caller.MemberUnitId : null;

    /// <summary>The authorise step: the need is in the caller's region (404; <see cref="SeenAsync"/> asked first who may
    /// see it). Who is assigned is a rule: the decider refuses (409).</summary>
    private static Action<Need> InRegion(Caller caller) => need => caller.Visible(need, n => n.CountyCode, "需求 Need");
}
