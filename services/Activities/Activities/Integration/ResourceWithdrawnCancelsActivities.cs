using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;

namespace JiaoLianTi.Activities.Integration;

/// <summary>
/// Activities' addition to the replica of Alliances' facts: when a resource's withdrawal is applied, every activity
/// that uses it and has not yet taken place is cancelled, saying why. A ResourcePublished that arrives after the
/// withdrawal is the older fact: the resource stays withdrawn and the activities stay cancelled.
/// </summary>
public sealed class ResourceWithdrawnCancelsActivities(ILogger<ResourceWithdrawnCancelsActivities> logger)
    : IAllianceFactHook<ResourceWithdrawn>
{
    public async Task AppliedAsync(ResourceWithdrawn e, IDocumentSession session, CancellationToken ct)
    {
        var affected = await session.Query<ActivityView>()
            .Where(a => a.ResourceId == e.ResourceId
                && a.Status != ActivityStatus.Completed && a.Status != ActivityStatus.Cancelled)
            .Select(a => a.Id)
            .ToListAsync(ct);
        var reason = $"所用资源已被撤回：{e.Reason} / The resource this activity uses was withdrawn: {e.Reason}";
        foreach (var id in affected)
        {
            // A racing write to the activity fails the commit; MassTransit retries the message, decided afresh.
            var stream = await session.Events.FetchForWriting<Activity>(id, ct);
            if (stream.Aggregate is { } activity)
            {
                stream.AppendMany(ActivityDecider.Decide(
                    new CancelActivity(id, null, reason, "system:resource-withdrawn", e.WithdrawnAt), activity).ToArray());
            }
        }
        logger.LogInformation("资源撤回，取消 {Count} 项活动 / Resource {ResourceId} withdrawn: cancelling {Count} activities",
            affected.Count, e.ResourceId, affected.Count);
    }
}
