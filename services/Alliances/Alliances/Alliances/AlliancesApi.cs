using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Alliances;

/// <summary>The body of <c>POST /api/alliances</c>.</summary>
public sealed record EstablishAllianceRequest(string? Name, AllianceKind? Kind, string? CountyCode, string? LeadUnit);

public static class AlliancesApi
{
    public static RouteGroupBuilder MapAllianceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alliances").WithTags("Alliances 教联体");

        group.MapPost("/", Establish).WithSummary("成立教联体 / Establish an alliance");
        group.MapGet("/{id:guid}", Get).WithSummary("教联体详情 / An alliance");
        group.MapGet("/", List).WithSummary("教联体列表 / Alliances in the caller's region");
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
            .Required("leadUnit", request.LeadUnit).MaxLength("leadUnit", request.LeadUnit, 200)
            .ThrowIfInvalid();
        if (caller.Role != Role.CountyAdmin || !caller.Covers(request.CountyCode!))
        {
            throw new ForbiddenException("只有本县教育行政部门可以成立教联体 / Only the county's own education bureau may establish its alliances.");
        }

        var command = new EstablishAlliance(Guid.CreateVersion7(), request.Name!, request.Kind!.Value,
            request.CountyCode!, request.LeadUnit!, caller.Subject, clock.GetUtcNow());
        var version = await session.StartStream<Alliance>(command.AllianceId, AllianceDecider.Decide(command, null), ct);

        var alliance = await session.LoadAsync<Alliance>(command.AllianceId, ct);
        http.SetETag(version);
        return TypedResults.Created($"/api/alliances/{command.AllianceId}", alliance);
    }

    private static async Task<Results<Ok<Alliance>, NotFound, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var alliance = await session.LoadAsync<Alliance>(id, ct);
        if (alliance is null || !caller.Covers(alliance.CountyCode))
        {
            // Outside the caller's region an alliance does not exist for them.
            return TypedResults.NotFound();
        }
        if (http.IsNotModified(alliance.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        http.SetETag(alliance.Version);
        return TypedResults.Ok(alliance);
    }

    private static async Task<Ok<Page<Alliance>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, AllianceKind? kind,
        CancellationToken ct)
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
        return TypedResults.Ok(await query.OrderBy(a => a.Name).ToPageAsync(paging, ct));
    }
}
