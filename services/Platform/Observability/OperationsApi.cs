using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.Scheduling;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace JiaoLianTi.Platform.Observability;

public sealed record FailedMessages(string Service, string Queue, string ErrorQueue, long Count, IReadOnlyList<FailedMessage> Messages);

public sealed record Mended(string Action, int Count, IReadOnlyList<FailedMessage> Messages);

public sealed record DiscardRequest(string? Reason);

public sealed record ProjectionState(
    string Name, string Shard, string Kind, long Position, long HighWater, long Behind, double LagSeconds, RebuildStatus? Rebuild);

public sealed record ProjectionsStatus(string Service, DateTimeOffset At, long HighWater, IReadOnlyList<ProjectionState> Projections);

/// <summary>
/// What an operator does to a running service, under <c>/api/{service}/operations</c> (through the gateway), for the
/// <c>Operator</c> role only: the error queue (list, retry one or all, discard one with a reason), the async
/// projections and subscriptions (position, lag, rebuild one) and the operations log. Every action is an event in the
/// service's own store (<see cref="OperationsLog"/>). Nothing here reads or shows domain data.
/// </summary>
public static class OperationsApi
{
    public static WebApplication MapOperations(this WebApplication app, string serviceName)
    {
        var group = app.MapGroup($"/api/{serviceName}/operations").WithTags("Operations 运维")
            .RequireAuthorization(PeriodicCheckStatusApi.OperatorPolicy);
        group.MapGet("/errors", ListErrors)
            .WithSummary("错误队列中的消息 / Messages in the service's error queue (type, id, first error, time, attempts; no payload)");
        group.MapPost("/errors/retry", (ErrorQueues errors, ServiceQueues queues, OpsMetrics metrics, IDocumentStore store,
                HttpContext http, TimeProvider clock, CancellationToken ct) => Retry(null, errors, queues, metrics, store, http, clock, ct))
            .WithSummary("重试错误队列中的全部消息 / Retry every message of the error queue (moved back to the queue)");
        group.MapPost("/errors/{messageId:guid}/retry", (Guid messageId, ErrorQueues errors, ServiceQueues queues, OpsMetrics metrics,
                IDocumentStore store, HttpContext http, TimeProvider clock, CancellationToken ct) =>
                Retry(messageId, errors, queues, metrics, store, http, clock, ct))
            .WithSummary("重试一条消息 / Retry one message of the error queue");
        group.MapPost("/errors/{messageId:guid}/discard", Discard)
            .WithSummary("丢弃一条消息（须说明原因）/ Discard one message of the error queue, with a reason");
        group.MapGet("/projections", Projections)
            .WithSummary("异步投影与订阅的进度 / Async projections and subscriptions: position, lag, rebuilds");
        group.MapPost("/projections/{name}/rebuild", Rebuild)
            .WithSummary("重建一个异步投影 / Rebuild one async projection while the service runs");
        group.MapGet("/log", async (IDocumentStore store, OpsMetrics metrics, CancellationToken ct) =>
                TypedResults.Ok(await OperationsLog.ReadAsync(store, metrics.Service, ct)))
            .WithSummary("运维操作记录 / The operations log: what operators did, newest first");
        return app;
    }

    private static async Task<Ok<FailedMessages>> ListErrors(
        ErrorQueues errors, ServiceQueues queues, OpsMetrics metrics, int? limit, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > 500)
        {
            throw Invalid("limit", "须在 1 到 500 之间 / must be from 1 to 500");
        }
        var queue = queues.Queues[0];
        var (count, messages) = await errors.ListAsync(queue, take, ct);
        return TypedResults.Ok(new FailedMessages(metrics.Service, queue, ErrorQueues.ErrorQueueOf(queue), count, messages));
    }

    private static async Task<Ok<Mended>> Retry(
        Guid? messageId, ErrorQueues errors, ServiceQueues queues, OpsMetrics metrics, IDocumentStore store,
        HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var by = Caller.From(http.User).Subject;
        var retried = new List<FailedMessage>();
        foreach (var queue in queues.Queues)
        {
            retried.AddRange(await errors.RetryAsync(queue, messageId, by, ct));
            if (messageId is not null && retried.Count > 0)
            {
                break;
            }
        }
        if (messageId is not null && retried.Count == 0)
        {
            throw new NotFoundException($"错误队列中没有消息 {messageId} / There is no message {messageId} in the error queue.");
        }
        foreach (var message in retried)
        {
            await OperationsLog.RecordAsync(store, metrics.Service, new FailedMessageRetried(
                message.MessageId, message.MessageType, queues.Queues[0], message.ErrorType, by, clock.GetUtcNow()), ct);
            metrics.OpsAction("retry");
        }
        return TypedResults.Ok(new Mended("retried", retried.Count, retried));
    }

    private static async Task<Ok<Mended>> Discard(
        Guid messageId, DiscardRequest body, ErrorQueues errors, ServiceQueues queues, OpsMetrics metrics, IDocumentStore store,
        HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            throw Invalid("reason", "丢弃须说明原因 / A discard needs a reason");
        }
        if (body.Reason.Length > 1000)
        {
            throw Invalid("reason", "最多 1000 字 / at most 1,000 characters");
        }
        var by = Caller.From(http.User).Subject;
        var discarded = new List<FailedMessage>();
        foreach (var queue in queues.Queues)
        {
            discarded.AddRange(await errors.DiscardAsync(queue, messageId, ct));
            if (discarded.Count > 0)
            {
                break;
            }
        }
        var message = discarded.FirstOrDefault()
            ?? throw new NotFoundException($"错误队列中没有消息 {messageId} / There is no message {messageId} in the error queue.");
        await OperationsLog.RecordAsync(store, metrics.Service, new FailedMessageDiscarded(
            message.MessageId, message.MessageType, queues.Queues[0], message.ErrorType, body.Reason.Trim(), by, clock.GetUtcNow()), ct);
        metrics.OpsAction("discard");
        return TypedResults.Ok(new Mended("discarded", 1, discarded));
    }

    private static async Task<Ok<ProjectionsStatus>> Projections(
        EventFlowSampler sampler, ProjectionRebuilds rebuilds, OpsMetrics metrics, CancellationToken ct)
    {
        var sample = await sampler.SampleShardsAsync(ct);
        var states = sample.Shards.Select(s =>
        {
            var name = s.Name.Split(':')[0];
            return new ProjectionState(name, s.Name, s.Kind, s.Position, sample.HighWater, s.Behind, s.LagSeconds, rebuilds.Of(name));
        }).ToList();
        // While Marten rebuilds a projection its progress row is gone until the replay starts: shown at position 0.
        states.AddRange(rebuilds.All.Where(r => states.All(s => s.Name != r.Projection)).Select(r =>
            new ProjectionState(r.Projection, $"{r.Projection}:All", "projection", 0, sample.HighWater, sample.HighWater, 0, r)));
        return TypedResults.Ok(new ProjectionsStatus(metrics.Service, sample.At, sample.HighWater, states));
    }

    private static async Task<Results<Accepted<RebuildStatus>, Conflict<RebuildStatus>>> Rebuild(
        string name, EventFlowSampler sampler, ProjectionRebuilds rebuilds, HttpContext http, CancellationToken ct)
    {
        var sample = await sampler.SampleShardsAsync(ct);
        var shard = sample.Shards.FirstOrDefault(s => s.Name.Split(':')[0] == name)
            ?? throw new NotFoundException($"没有名为 {name} 的异步投影 / There is no async projection named {name}.");
        if (shard.Kind == "subscription")
        {
            // Replaying the publisher would publish every event the service ever had again.
            throw new RuleViolation("subscription_not_rebuildable",
                $"{name} 是订阅，不是投影，不能重建 / {name} is a subscription, not a projection: it cannot be rebuilt.");
        }
        var (started, status) = await rebuilds.StartAsync(name, Caller.From(http.User).Subject, ct);
        return started
            ? TypedResults.Accepted($"/api/{sampler.Service}/operations/projections", status)
            : TypedResults.Conflict(status);
    }

    private static ValidationFailed Invalid(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}
