using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;

namespace JiaoLianTi.Activities.Integration;

/// <summary>
/// Activities' addition to the replica for an alliance's lifecycle: when its suspension or dissolution is applied,
/// every activity still to take place under it is flagged for the county (the county decides: cancel, or move it to
/// another alliance's venue); when it is established again, the flags of a suspension are lifted. New activities are
/// refused under it by the decider, from the replica's status.
/// </summary>
public sealed class AllianceStatusFlagsActivities(ILogger<AllianceStatusFlagsActivities> logger)
    : IAllianceFactHook<AllianceSuspended>, IAllianceFactHook<AllianceDissolved>, IAllianceFactHook<AllianceReestablished>
{
    public Task AppliedAsync(AllianceSuspended fact, IDocumentSession session, CancellationToken ct) =>
        FlagAsync(fact.AllianceId, KnownAllianceStatus.Suspended, fact.SuspendedAt, session, ct);

    public Task AppliedAsync(AllianceDissolved fact, IDocumentSession session, CancellationToken ct) =>
        FlagAsync(fact.AllianceId, KnownAllianceStatus.Dissolved, fact.DissolvedAt, session, ct);

    public Task AppliedAsync(AllianceReestablished fact, IDocumentSession session, CancellationToken ct) =>
        FlagAsync(fact.AllianceId, KnownAllianceStatus.Established, fact.ReestablishedAt, session, ct);

    private async Task FlagAsync(Guid allianceId, KnownAllianceStatus status, DateTimeOffset at, IDocumentSession session,
        CancellationToken ct)
    {
        var affected = await session.Query<ActivityView>()
            .Where(a => a.AllianceId == allianceId
                && a.Status != ActivityStatus.Completed && a.Status != ActivityStatus.Cancelled)
            .Select(a => a.Id)
            .ToListAsync(ct);
        foreach (var id in affected)
        {
            // A racing write to the activity fails the commit; MassTransit retries the message, decided afresh.
            var stream = await session.Events.FetchForWriting<Activity>(id, ct);
            if (stream.Aggregate is { } activity)
            {
                stream.AppendMany(ActivityDecider.Decide(new ReflectAllianceStatus(id, allianceId, status, at), activity).ToArray());
            }
        }
        logger.LogInformation("教联体状态 {Status}：{Count} 项活动 / Alliance {AllianceId} is {Status}: {Count} activities looked at",
            status, affected.Count, allianceId, status, affected.Count);
    }
}
