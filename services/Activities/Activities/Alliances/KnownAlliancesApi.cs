using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Alliances;

/// <summary>
/// An alliance Activities has heard of, from its replica of Alliances' facts (Platform's AlliancesReplica). Activities
/// never reads Alliances' database. <see cref="LeadUnitId"/> is the lead school of a school alliance, if named.
/// <see cref="Status"/>: <c>Established</c>, <c>Suspended</c> or <c>Dissolved</c> (no new activity runs under the
/// last two).
/// </summary>
public sealed record AllianceSummary(
    Guid Id, string Name, string Kind, string CountyCode, string LeadUnit, DateTimeOffset EstablishedAt, Guid? LeadUnitId,
    KnownAllianceStatus Status, DateTimeOffset? DissolvedAt);

public static class KnownAlliancesApi
{
    public static RouteGroupBuilder MapKnownAllianceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/alliances").WithTags("Alliances 教联体");
        group.MapGet("/", List).WithSummary("本区域的教联体 / Alliances known to Activities in the caller's region");
        return group;
    }

    private static async Task<Ok<Page<AllianceSummary>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var result = await session.Query<KnownAlliance>()
            .Where(a => a.CountyCode.StartsWith(caller.Region) && a.EstablishedAt != null)
            .OrderBy(a => a.Name)
            .ToPageAsync(paging, ct);
        return TypedResults.Ok(result.Map(a => new AllianceSummary(a.Id, a.Name, a.Kind, a.CountyCode, a.LeadUnit, a.EstablishedAt!.Value, a.LeadUnitId,
            a.Status, a.DissolvedAt)));
    }
}
