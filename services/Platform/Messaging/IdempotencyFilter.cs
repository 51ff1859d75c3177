using System.Collections.Concurrent;
using MassTransit;
using Marten;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// Applies a message at most once (docs/design.md 5). The consumer stages its effect in the scoped Marten session and
/// does not save; this filter then records the MessageId in that same session and commits both in one transaction.
/// A message seen before is acknowledged and skipped (as consumed, so not moved to {queue}_skipped). Two deliveries
/// racing each other: the second insert of the same id fails, MassTransit retries it, and the retry finds it applied.
/// Within one process, deliveries of the same id take turns (in the order they reach the filter), so the first one is the one applied.
/// </summary>
public sealed class IdempotencyFilter<T>(IDocumentSession session, TimeProvider clock, ILogger<IdempotencyFilter<T>> logger)
    : IFilter<ConsumeContext<T>> where T : class
{
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> InFlight = new();

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a MessageId; it cannot be applied once.");
        var turn = InFlight.GetOrAdd(messageId, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(context.CancellationToken);
        try
        {
            await ApplyOnce(context, next, messageId);
        }
        finally
        {
            turn.Release();
            InFlight.TryRemove(KeyValuePair.Create(messageId, turn));
        }
    }

    private async Task ApplyOnce(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next, Guid messageId)
    {

        // A retry may reuse this scope: nothing of a failed attempt may be committed with the next one.
        session.EjectAllPendingChanges();
        if (await session.LoadAsync<ProcessedMessage>(messageId, context.CancellationToken) is not null)
        {
            logger.LogInformation("Skipped {MessageType} {MessageId}: already applied", typeof(T).Name, messageId);
            // Counted as consumed: a delivery no consumer saw is moved by MassTransit to {queue}_skipped, so every
            // redelivered duplicate (a publish retried after a lost confirm, a broker restart, the classic-to-quorum
            // overlap) piled up there, unbounded, looking like a lost message to whoever watches the queues.
            await context.NotifyConsumed(TimeSpan.Zero, "already-applied");
            return;
        }

        await next.Send(context);

        session.Insert(new ProcessedMessage { Id = messageId, MessageType = typeof(T).Name, ProcessedAt = clock.GetUtcNow() });
        await session.SaveChangesAsync(context.CancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("idempotency");
}
