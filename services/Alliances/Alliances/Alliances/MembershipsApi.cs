using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Alliances;

public sealed record JoinRequest(Guid? UnitId, MemberRole? Role);
public sealed record JoinManyRequest(IReadOnlyList<JoinRequest>? Members);

/// <summary>成员 / who belongs to an alliance: joining, leaving and the list, past and present.</summary>
public static class MembershipsApi
{
    public static RouteGroupBuilder MapMembershipEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/members", Join).WithSummary("成员加入 / A unit joins");
        group.MapPost("/{id:guid}/members/batch", JoinMany).WithSummary("成员批量加入 / Several units join at once");
        group.MapPost("/{id:guid}/members/{unitId:guid}/leave", Leave).WithSummary("成员退出 / A unit leaves");
        group.MapGet("/{id:guid}/members", Members).WithSummary("成员名单（含历史） / Memberships, past and present");
        return group;
    }

    private static async Task<Created<Member>> Join(
        Guid id, JoinRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("unitId", request.UnitId).ThrowIfInvalid();
        var caller = http.Caller();
        var result = await session.Change<Alliance>(http, id, AlliancesApi.Managed(caller), async state =>
        {
            var unit = await AlliancesApi.VisibleUnit(session, caller, request.UnitId!.Value, "unitId", ct);
            return AllianceDecider.Decide(new JoinAlliance(id, unit, request.Role ?? MemberRole.Member, caller.Subject, clock.GetUtcNow()), state);
        }, ct);
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
        var caller = http.Caller();
        return await session.Change<Alliance>(http, id, AlliancesApi.Managed(caller), async state =>
        {
            var ids = request.Members!.Select(m => m.UnitId!.Value).Distinct().ToArray();
            var units = (await session.LoadManyAsync<MemberUnit>(ct, ids)).Where(u => caller.Covers(u.CountyCode))
                .ToDictionary(u => u.Id);
            new Validation().Check(units.Count == ids.Length, "members",
                "含有未登记或不在辖区内的单位 / lists a unit that is not registered in your region").ThrowIfInvalid();
            var now = clock.GetUtcNow();
            // Each joining is decided against the state the previous ones left, so a duplicate is refused.
            var events = new List<object>();
            foreach (var m in request.Members!)
            {
                var decided = AllianceDecider.Decide(
                    new JoinAlliance(id, units[m.UnitId!.Value], m.Role ?? MemberRole.Member, caller.Subject, now), state);
                state = decided.Cast<MemberJoined>().Aggregate(state, (s, e) => s.Apply(e));
                events.AddRange(decided);
            }
            return (IReadOnlyList<object>)events;
        }, ct);
    }

    private static Task<Ok<Alliance>> Leave(
        Guid id, Guid unitId, ReasonRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new LeaveAlliance(id, unitId, request?.Reason ?? "", caller.Subject, clock.GetUtcNow());
        // A member unit's own officer may take it out of an alliance, as may the alliance's managers.
        var authorise = AlliancesApi.Managed(caller, mayAlsoAct: c => c.Role == Role.MemberOfficer && c.MemberUnitId == unitId);
        return session.Change<Alliance>(http, id, authorise, state => AllianceDecider.Decide(command, state), ct);
    }

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
        return TypedResults.Ok(await (await query.OrderBy(m => m.JoinedAt).ToPageAsync(paging, ct)).NamedAsync(session, ct));
    }
}
