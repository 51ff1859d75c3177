using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Alliances;

public static class KnownAlliancesApi
{
    public static RouteGroupBuilder MapKnownAllianceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/alliances").WithTags("Alliances 教联体");
        group.MapGet("/", List).WithSummary("本区域的教联体 / Alliances known to Activities in the caller's region");
        return group;
    }

    private static async Task<Ok<Page<KnownAlliance>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var result = await session.Query<KnownAlliance>()
            .Where(a => a.CountyCode.StartsWith(caller.Region))
            .OrderBy(a => a.Name)
            .ToPageAsync(paging, ct);
        return TypedResults.Ok(result);
    }
}
