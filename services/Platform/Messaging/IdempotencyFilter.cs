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
/// <para>
/// Where the consumer only stages (<see cref="IStagesOnly"/>), the id is not read before it runs: the id's insert is the
/// check. A duplicate runs, its commit fails on the id (or on a document's version), nothing of it is kept, and the
/// id, read only then, shows it applied: it is acknowledged and skipped as above, without a retry. Any other failure
/// of a message whose id is not stored is the consumer's own, and goes on to MassTransit's retries as before.
/// A consumer that reads the id itself (<see cref="IChecksItsId"/>) is treated the same way, and may also report the
/// message applied before it commits (<see cref="ConsumerCommitted.AlreadyApplied"/>): it is then skipped.
/// </para>
/// <para>
/// A consumer that committed its message with its id itself, in a group of messages (<see cref="GroupCommit"/>), says so
/// (<see cref="ConsumerCommitted"/>): nothing is left to commit here, and a failure of its group's commit comes here
/// as above.
/// </para>
/// </summary>
public sealed class IdempotencyFilter<T>(IDocumentSession session, TimeProvider clock, StagesOnlyMessages stagesOnly,
    ConsumerCommitted consumerCommitted, GroupCommit groups, OwnTransactions own, ILogger<IdempotencyFilter<T>> logger)
    : IFilter<ConsumeContext<T>> where T : class
{
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> InFlight = new();

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a MessageId; it cannot be applied once.");
        var turn = InFlight.GetOrAdd(messageId, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(context.CancellationToken);
        var placed = false;
        try
        {
            // A message that commits in a group holds no connection while it waits for it; every other one takes a place.
            if (!groups.Takes(typeof(T)))
            {
                await own.Enter(context.CancellationToken);
                placed = true;
            }
            if (stagesOnly.Contains(typeof(T)))
            {
                await ApplyCheckingAtCommit(context, next, messageId);
            }
            else
            {
                await ApplyOnce(context, next, messageId);
            }
        }
        finally
        {
            if (placed)
            {
                own.Leave();
            }
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
            await Skip(context, messageId);
            return;
        }
        await Commit(context, next, messageId);
    }

    private async Task ApplyCheckingAtCommit(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next, Guid messageId)
    {
        session.EjectAllPendingChanges();
        try
        {
            await Commit(context, next, messageId);
        }
        catch (Exception) when (!context.CancellationToken.IsCancellationRequested)
        {
            if (!await StoredAlready(messageId, context.CancellationToken))
            {
                throw;
            }
            session.EjectAllPendingChanges();
            await Skip(context, messageId);
        }
    }

    private async Task Commit(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next, Guid messageId)
    {
        consumerCommitted.Committed = consumerCommitted.AlreadyApplied = false;
        await next.Send(context);
        if (consumerCommitted.AlreadyApplied)
        {
            session.EjectAllPendingChanges();
            await Skip(context, messageId);
            return;
        }
        if (consumerCommitted.Committed)
        {
            return;
        }
        session.Insert(new ProcessedMessage { Id = messageId, MessageType = typeof(T).Name, ProcessedAt = clock.GetUtcNow() });
        await session.SaveChangesAsync(context.CancellationToken);
    }

    /// <summary>Whether the id is stored; false when that cannot be read either (the failure itself then goes on).</summary>
    private async Task<bool> StoredAlready(Guid messageId, CancellationToken ct)
    {
        try
        {
            return await session.LoadAsync<ProcessedMessage>(messageId, ct) is not null;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Could not read whether {MessageType} {MessageId} was applied", typeof(T).Name, messageId);
            return false;
        }
    }

    private async Task Skip(ConsumeContext<T> context, Guid messageId)
    {
        logger.LogInformation("Skipped {MessageType} {MessageId}: already applied", typeof(T).Name, messageId);
        // Counted as consumed: a delivery no consumer saw is moved by MassTransit to {queue}_skipped, so every
        // redelivered duplicate (a publish retried after a lost confirm, a broker restart, the classic-to-quorum
        // overlap) piled up there, unbounded, looking like a lost message to whoever watches the queues. A duplicate
        // refused at commit was counted already if its consumer returned.
        if (!context.ReceiveContext.IsDelivered)
        {
            await context.NotifyConsumed(TimeSpan.Zero, "already-applied");
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("idempotency");
}
