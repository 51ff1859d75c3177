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

public static class AlliancesApi
{
    public static RouteGroupBuilder MapAllianceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alliances").WithTags("Alliances 教联体");

        group.MapPost("/", Establish).WithSummary("成立（或筹建）教联体 / Establish (or propose) an alliance");
        group.MapGet("/{id:guid}", Get).WithSummary("教联体详情 / An alliance");
        group.MapGet("/", List).WithSummary("教联体列表（摘要，含成员数） / Alliances in the caller's region, in summary with their member count");
        group.MapPost("/{id:guid}/establish", EstablishProposed).WithSummary("筹建转成立 / Establish a proposed alliance");
        group.MapPost("/{id:guid}/suspend", Suspend).WithSummary("暂停 / Suspend an alliance");
        group.MapPost("/{id:guid}/reestablish", Reestablish).WithSummary("恢复 / Re-establish a suspended alliance");
        group.MapPost("/{id:guid}/dissolve", Dissolve).WithSummary("撤销 / Dissolve an alliance");
        group.MapPut("/{id:guid}/charter", Charter).WithSummary("修订章程 / Amend the charter");
        group.MapMembershipEndpoints();
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

        var id = Guid.CreateVersion7();
        Alliance? regional = null;
        if (request.Kind == AllianceKind.Regional)
        {
            var earlier = await session.Query<Alliance>()
                .Where(a => a.CountyCode == county && a.Kind == AllianceKind.Regional).ToListAsync(ct);
            regional = earlier.FirstOrDefault(a => a.Status != AllianceStatus.Dissolved);
            // The county's n-th regional alliance has an id named by (county, n): two bureaus establishing at the
            // same moment name the same stream, and the second append fails on it (no unique index needed).
            id = NameBasedIds.Create(RegionalIds, $"{county}#{earlier.Count}");
        }
        var command = new EstablishAlliance(id, request.Name!, request.Kind!.Value, county,
            request.LeadUnit ?? "", caller.Subject, clock.GetUtcNow(), lead, request.Charter,
            ProposeOnly: request.Status == AllianceStatus.Proposed, RegionalInCounty: regional);
        try
        {
            return await session.Start<Alliance>(http, command.AllianceId, AllianceDecider.Decide(command, null),
                $"/api/alliances/{command.AllianceId}", ct);
        }
        catch (Exception e) when (request.Kind == AllianceKind.Regional && e is JasperFx.Events.ExistingStreamIdCollisionException
                                      or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            throw AllianceDecider.RegionalExists(county, null, id);
        }
    }

    /// <summary>The scope of the name-based ids of regional alliances.</summary>
    private static readonly Guid RegionalIds = new("6f1c1d52-4a34-4d0e-9d8e-2f0b7c8b51a1");

    private static async Task<Results<Ok<Alliance>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var alliance = http.Caller().Visible(await session.LoadAsync<Alliance>(id, ct), a => a.CountyCode, "教联体 Alliance");
        return http.Versioned(alliance, alliance.Version);
    }

    private static async Task<Ok<Page<AllianceSummary>>> List(
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
        var found = await query.OrderBy(a => a.CountyCode).ThenBy(a => a.Name).ToPageAsync(paging, ct);
        return TypedResults.Ok(found.Map(AllianceSummary.Of));
    }

    private static Task<Ok<Alliance>> EstablishProposed(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        return session.Change<Alliance>(http, id, Managed(caller), async alliance =>
        {
            var lead = alliance.LeadUnitId is { } leadId ? await session.LoadAsync<MemberUnit>(leadId, ct) : null;
            return AllianceDecider.Decide(new EstablishProposedAlliance(id, lead, caller.Subject, clock.GetUtcNow()), alliance);
        }, ct);
    }

    private static Task<Ok<Alliance>> Suspend(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        RequireReason(request.Reason);
        var caller = http.Caller();
        var command = new SuspendAlliance(id, request.Reason!, caller.Subject, clock.GetUtcNow());
        return session.Change<Alliance>(http, id, Managed(caller), state => AllianceDecider.Decide(command, state), ct);
    }

    private static Task<Ok<Alliance>> Reestablish(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new ReestablishAlliance(id, caller.Subject, clock.GetUtcNow());
        return session.Change<Alliance>(http, id, Managed(caller), state => AllianceDecider.Decide(command, state), ct);
    }

    private static Task<Ok<Alliance>> Dissolve(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        RequireReason(request.Reason);
        var caller = http.Caller();
        var command = new DissolveAlliance(id, request.Reason!, caller.Subject, clock.GetUtcNow());
        return session.Change<Alliance>(http, id, Managed(caller), state => AllianceDecider.Decide(command, state), ct);
    }

    private static Task<Ok<Alliance>> Charter(
        Guid id, CharterRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("charter", request.Charter).MaxLength("charter", request.Charter, 20_000).ThrowIfInvalid();
        var caller = http.Caller();
        var command = new AmendCharter(id, request.Charter!, caller.Subject, clock.GetUtcNow());
        return session.Change<Alliance>(http, id, Managed(caller), state => AllianceDecider.Decide(command, state), ct);
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

    /// <summary>
    /// The authorise step of every change to an alliance: visible to the caller (404), managed by them (403), or by
    /// whom <paramref name="mayAlsoAct"/> also lets act.
    /// </summary>
    internal static Action<Alliance> Managed(Caller caller, Func<Caller, bool>? mayAlsoAct = null) => alliance =>
    {
        caller.Visible(alliance, a => a.CountyCode, "教联体 Alliance");
        Access.Require(caller.Manages(alliance) || mayAlsoAct?.Invoke(caller) == true,
            "只有本县教育行政部门（或牵头学校）可以管理该教联体 / Only the county's bureau (or the lead school) may manage this alliance.");
    };
}
