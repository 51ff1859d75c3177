using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;

namespace JiaoLianTi.Activities.Dimensions;

/// <summary>
/// 基地: the base an activity or a programme uses (a patriotic education base, a science venue, a labour education
/// base) is a resource of the alliances' catalogue, as Activities knows it from its replica.
/// </summary>
public static class Bases
{
    /// <summary>400 naming <c>baseId</c> unless it is a resource known in the caller's region and not withdrawn.</summary>
    public static async Task MustBeKnownAsync(IQuerySession session, Caller caller, Guid? baseId, CancellationToken ct)
    {
        if (baseId is not { } id)
        {
            return;
        }
        var resource = await session.LoadAsync<KnownResource>(id, ct);
        new Validation().Check(resource is not null && !resource.Withdrawn && caller.Covers(resource.CountyCode), "baseId",
            "不是本区域资源清单中的基地 / is not a base (resource) of the catalogue in your region").ThrowIfInvalid();
    }
}
