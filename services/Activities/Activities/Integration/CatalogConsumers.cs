using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Catalog;
using JiaoLianTi.Alliances.Contracts;
using Marten;
using MassTransit;

namespace JiaoLianTi.Activities.Integration;

// Consumers stage their changes in the scoped session only: the idempotency filter commits them with the message id.

/// <summary>Keeps <see cref="KnownResource"/>: what an activity may use, and how many it holds.</summary>
public sealed class ResourcePublishedConsumer(IDocumentSession session) : IConsumer<ResourcePublished>
{
    public Task Consume(ConsumeContext<ResourcePublished> context)
    {
        var e = context.Message;
        session.Store(new KnownResource(e.ResourceId, e.AllianceId, e.UnitId, e.Kind, e.Title, e.Topics, e.Capacity,
            e.CountyCode, false, null, e.PublishedAt));
        return Task.CompletedTask;
    }
}

/// <summary>
/// A withdrawn resource can no longer be used: marks it so, and cancels every activity that depends on it and has not
/// yet taken place, saying why.
/// </summary>
public sealed class ResourceWithdrawnConsumer(IDocumentSession session, ILogger<ResourceWithdrawnConsumer> logger)
    : IConsumer<ResourceWithdrawn>
{
    public async Task Consume(ConsumeContext<ResourceWithdrawn> context)
    {
        var e = context.Message;
        var ct = context.CancellationToken;
        if (await session.LoadAsync<KnownResource>(e.ResourceId, ct) is { } resource)
        {
            session.Store(resource with { Withdrawn = true, WithdrawnReason = e.Reason });
        }

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

/// <summary>Keeps <see cref="KnownSchool"/>: which schools exist, and in which county.</summary>
public sealed class MemberUnitRegisteredConsumer(IDocumentSession session) : IConsumer<MemberUnitRegistered>
{
    public Task Consume(ConsumeContext<MemberUnitRegistered> context)
    {
        var e = context.Message;
        if (e.Kind == MemberUnitKinds.School)
        {
            session.Store(new KnownSchool(e.UnitId, e.Name, e.CountyCode, e.RegisteredAt));
        }
        return Task.CompletedTask;
    }
}
