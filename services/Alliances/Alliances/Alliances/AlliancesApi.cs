using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Alliances;

/// <summary>
/// The body of <c>POST /api/alliances</c>. <c>status</c> is <c>Established</c> (the default: established at once) or
/// <c>Proposed</c> (筹建, established later by <c>POST /{id}/establish</c>).
/// </summary>
public sealed record EstablishAllianceRequest(
    string? Name, AllianceKind? Kind, string? CountyCode, string? LeadUnit, Guid? LeadUnitId = null,
    string? Charter = null, AllianceStatus? Status = null);

public sealed record ReasonRequest(string? Reason);
public sealed record CharterRequest(string? Charter);
public sealed record JoinRequest(Guid? UnitId, MemberRole? Role);
public sealed record JoinManyRequest(IReadOnlyList<JoinRequest>? Members);

public static class AlliancesApi
{
    public static RouteGroupBuilder MapAllianceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alliances").WithTags("Alliances 教联体");

        group.MapPost("/", Establish).WithSummary("成立（或筹建）教联体 / Establish (or propose) an alliance");
        group.MapGet("/{id:guid}", Get).WithSummary("教联体详情 / An alliance");
        group.MapGet("/", List).WithSummary("教联体列表 / Alliances in the caller's region");
        group.MapPost("/{id:guid}/establish", EstablishProposed).WithSummary("筹建转成立 / Establish a proposed alliance");
        group.MapPost("/{id:guid}/suspend", Suspend).WithSummary("暂停 / Suspend an alliance");
        group.MapPost("/{id:guid}/reestablish", Reestablish).WithSummary("恢复 / Re-establish a suspended alliance");
        group.MapPost("/{id:guid}/dissolve", Dissolve).WithSummary("撤销 / Dissolve an alliance");
        group.MapPut("/{id:guid}/charter", Charter).WithSummary("修订章程 / Amend the charter");
        group.MapPost("/{id:guid}/members", Join).WithSummary("成员加入 / A unit joins");
        group.MapPost("/{id:guid}/members/batch", JoinMany).WithSummary("成员批量加入 / Several units join at once");
        group.MapPost("/{id:guid}/members/{unitId:guid}/leave", Leave).WithSummary("成员退出 / A unit leaves");
        group.MapGet("/{id:guid}/members", Members).WithSummary("成员名单（含历史） / Memberships, past and present");
        return group;
    }

    private static async Task<Created<Alliance>> Establish(
        EstablishAllianceRequest request, HttpContext http, IDocumentSession session, Divisions divisions,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("name", request.Name).MaxLength("name", request.Name, 200)
            .Required("kind", request.Kind)
            .Required("countyCode", request.CountyCode)
            .Check(request.CountyCode is null || divisions.IsCounty(request.CountyCode), "countyCode",
                "不是已知的县级行政区划代码 / is not a known county-level division code")
            .Check(request.LeadUnitId is not null || !string.IsNullOrWhiteSpace(request.LeadUnit), "leadUnit", "必填 / is required")
            .MaxLength("leadUnit", request.LeadUnit, 200)
            .Check(request.Kind != AllianceKind.School || request.LeadUnitId is not null, "leadUnitId",
                "校级教联体须指明牵头学校 / a school alliance names its lead school")
            .MaxLength("charter", request.Charter, 20_000)
            .Check(request.Status is null or AllianceStatus.Proposed or AllianceStatus.Established, "status",
                "只能是 Proposed 或 Established / must be Proposed or Established")
            .ThrowIfInvalid();
        var county = request.CountyCode!;
        var mayCreate = request.Kind == AllianceKind.Regional
            ? caller.ManagesCounty(county)
            : caller.ManagesCounty(county)
              || (caller.Role == Role.SchoolAdmin && caller.SchoolId == request.LeadUnitId && caller.Covers(county));
        Access.Require(mayCreate, request.Kind == AllianceKind.Regional
            ? "只有本县教育行政部门可以成立区域教联体 / Only the county's own education bureau may establish its regional alliance."
            : "只有本县教育行政部门或牵头学校可以成立校级教联体 / Only the county's bureau or the lead school may establish a school alliance.");

        MemberUnit? lead = null;
        if (request.LeadUnitId is { } leadId)
        {
            lead = await session.LoadAsync<MemberUnit>(leadId, ct);
            new Validation()
                .Check(lead is not null && caller.Covers(lead.CountyCode), "leadUnitId",
                    "不是您辖区内已登记的成员单位 / is not a registered unit in your region")
                .ThrowIfInvalid();
        }

        var command = new EstablishAlliance(Guid.CreateVersion7(), request.Name!, request.Kind!.Value, county,
            request.LeadUnit ?? "", caller.Subject, clock.GetUtcNow(), lead, request.Charter,
            ProposeOnly: request.Status == AllianceStatus.Proposed);
        var events = AllianceDecider.Decide(command, null);
        var version = await session.StartStream<Alliance>(command.AllianceId, events, ct);

        var alliance = await session.LoadAsync<Alliance>(command.AllianceId, ct);
        http.SetETag(version);
        return TypedResults.Created($"/api/alliances/{command.AllianceId}", alliance);
    }

    private static async Task<Results<Ok<Alliance>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var alliance = http.Caller().Visible(await session.LoadAsync<Alliance>(id, ct), a => a.CountyCode, "教联体 Alliance");
        return http.Versioned(alliance, alliance.Version);
    }

    private static async Task<Ok<Page<Alliance>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, AllianceKind? kind,
        AllianceStatus? status, Guid? unitId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<Alliance>().Where(a => a.CountyCode.StartsWith(caller.Region));
        if (!string.IsNullOrEmpty(county))
        {
            query = query.Where(a => a.CountyCode.StartsWith(county));
        }
        if (kind is { } k)
        {
            query = query.Where(a => a.Kind == k);
        }
        if (status is { } s)
        {
            query = query.Where(a => a.Status == s);
        }
        if (unitId is { } unit)
        {
            var ids = await session.Query<Membership>()
                .Where(m => m.UnitId == unit && m.LeftAt == null).Select(m => m.AllianceId).ToListAsync(ct);
            query = query.Where(a => ids.Contains(a.Id));
        }
        return TypedResults.Ok(await query.OrderBy(a => a.CountyCode).ThenBy(a => a.Name).ToPageAsync(paging, ct));
    }

    private static Task<Ok<Alliance>> EstablishProposed(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        Change(id, http, session, ct, async (caller, alliance) =>
        {
            var lead = alliance.LeadUnitId is { } leadId ? await session.LoadAsync<MemberUnit>(leadId, ct) : null;
            return state => AllianceDecider.Decide(new EstablishProposedAlliance(id, lead, caller.Subject, clock.GetUtcNow()), state);
        });

    private static Task<Ok<Alliance>> Suspend(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        RequireReason(request.Reason);
        return Change(id, http, session, ct, (caller, _) => Decision(state =>
            AllianceDecider.Decide(new SuspendAlliance(id, request.Reason!, caller.Subject, clock.GetUtcNow()), state)));
    }

    private static Task<Ok<Alliance>> Reestablish(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        Change(id, http, session, ct, (caller, _) => Decision(state =>
            AllianceDecider.Decide(new ReestablishAlliance(id, caller.Subject, clock.GetUtcNow()), state)));

    private static Task<Ok<Alliance>> Dissolve(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        RequireReason(request.Reason);
        return Change(id, http, session, ct, (caller, _) => Decision(state =>
            AllianceDecider.Decide(new DissolveAlliance(id, request.Reason!, caller.Subject, clock.GetUtcNow()), state)));
    }

    private static Task<Ok<Alliance>> Charter(
        Guid id, CharterRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("charter", request.Charter).MaxLength("charter", request.Charter, 20_000).ThrowIfInvalid();
        return Change(id, http, session, ct, (caller, _) => Decision(state =>
            AllianceDecider.Decide(new AmendCharter(id, request.Charter!, caller.Subject, clock.GetUtcNow()), state)));
    }

    private static async Task<Created<Member>> Join(
        Guid id, JoinRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("unitId", request.UnitId).ThrowIfInvalid();
        var result = await Change(id, http, session, ct, async (caller, _) =>
        {
            var unit = await VisibleUnit(session, caller, request.UnitId!.Value, "unitId", ct);
            return state => AllianceDecider.Decide(
                new JoinAlliance(id, unit, request.Role ?? MemberRole.Member, caller.Subject, clock.GetUtcNow()), state);
        });
        var member = result.Value!.Members.Single(m => m.UnitId == request.UnitId);
        return TypedResults.Created($"/api/alliances/{id}/members", member);
    }

    private static async Task<Ok<Alliance>> JoinMany(
        Guid id, JoinManyRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation()
            .Check(request.Members is { Count: > 0 and <= 1000 }, "members", "须为 1 到 1000 个成员 / must list 1 to 1000 members")
            .Check(request.Members is null || request.Members.All(m => m.UnitId is not null), "members", "每项须有 unitId / each needs a unitId")
            .ThrowIfInvalid();
        return await Change(id, http, session, ct, async (caller, _) =>
        {
            var ids = request.Members!.Select(m => m.UnitId!.Value).Distinct().ToArray();
            var units = (await session.LoadManyAsync<MemberUnit>(ct, ids)).Where(u => caller.Covers(u.CountyCode))
                .ToDictionary(u => u.Id);
            new Validation().Check(units.Count == ids.Length, "members",
                "含有未登记或不在辖区内的单位 / lists a unit that is not registered in your region").ThrowIfInvalid();
            var now = clock.GetUtcNow();
            return state =>
            {
                // Each joining is decided against the state the previous ones left, so a duplicate is refused.
                var events = new List<object>();
                foreach (var m in request.Members!)
                {
                    var decided = AllianceDecider.Decide(
                        new JoinAlliance(id, units[m.UnitId!.Value], m.Role ?? MemberRole.Member, caller.Subject, now), state);
                    state = decided.Cast<MemberJoined>().Aggregate(state, (s, e) => s.Apply(e));
                    events.AddRange(decided);
                }
                return events;
            };
        });
    }

    private static Task<Ok<Alliance>> Leave(
        Guid id, Guid unitId, ReasonRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct) =>
        Change(id, http, session, ct, (caller, _) => Decision(state =>
            AllianceDecider.Decide(new LeaveAlliance(id, unitId, request?.Reason ?? "", caller.Subject, clock.GetUtcNow()), state)),
            // A member unit's own officer may take it out of an alliance, as may the alliance's managers.
            mayAlsoAct: caller => caller.Role == Role.MemberOfficer && caller.MemberUnitId == unitId);

    private static async Task<Ok<Page<Membership>>> Members(
        Guid id, HttpContext http, IQuerySession session, int? page, int? pageSize, bool? current, MemberUnitKind? kind,
        CancellationToken ct)
    {
        http.Caller().Visible(await session.LoadAsync<Alliance>(id, ct), a => a.CountyCode, "教联体 Alliance");
        var paging = Paging.From(page, pageSize);
        var query = session.Query<Membership>().Where(m => m.AllianceId == id);
        if (current != false)
        {
            query = query.Where(m => m.LeftAt == null);
        }
        if (kind is { } k)
        {
            query = query.Where(m => m.UnitKind == k);
        }
        return TypedResults.Ok(await query.OrderBy(m => m.JoinedAt).ToPageAsync(paging, ct));
    }

    internal static async Task<MemberUnit> VisibleUnit(
        IQuerySession session, Caller caller, Guid unitId, string field, CancellationToken ct)
    {
        var unit = await session.LoadAsync<MemberUnit>(unitId, ct);
        new Validation().Check(unit is not null && caller.Covers(unit.CountyCode), field,
            "不是您辖区内已登记的成员单位 / is not a registered unit in your region").ThrowIfInvalid();
        return unit!;
    }

    private static void RequireReason(string? reason) =>
        new Validation().Required("reason", reason).MaxLength("reason", reason, 2000).ThrowIfInvalid();

    private static Task<Func<Alliance, IReadOnlyList<object>>> Decision(Func<Alliance, IReadOnlyList<object>> decide) =>
        Task.FromResult(decide);

    /// <summary>
    /// Every change to an existing alliance: visible (404), managed by the caller (403), If-Match (428/412), then
    /// decide and append. Answers the alliance as it now is, with its new ETag.
    /// </summary>
    private static async Task<Ok<Alliance>> Change(
        Guid id, HttpContext http, IDocumentSession session, CancellationToken ct,
        Func<Caller, Alliance, Task<Func<Alliance, IReadOnlyList<object>>>> prepare, Func<Caller, bool>? mayAlsoAct = null)
    {
        var caller = http.Caller();
        var expected = http.ExpectedVersion();
        var current = caller.Visible(await session.LoadAsync<Alliance>(id, ct), a => a.CountyCode, "教联体 Alliance");
        Access.Require(caller.Manages(current) || mayAlsoAct?.Invoke(caller) == true,
            "只有本县教育行政部门（或牵头学校）可以管理该教联体 / Only the county's bureau (or the lead school) may manage this alliance.");
        var decide = await prepare(caller, current);
        var version = await session.Decide<Alliance>(id, expected, decide, ct);
        var alliance = await session.LoadAsync<Alliance>(id, ct);
        http.SetETag(version);
        return TypedResults.Ok(alliance!);
    }
}
