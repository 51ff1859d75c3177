using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Subscriptions.Subscriptions;
using Marten;

namespace JiaoLianTi.Subscriptions.Replay;

/// <summary>How far a replay's hold on live deliveries has come.</summary>
public enum HoldPhase
{
    /// <summary>Every live event for the subscription is kept as a <see cref="HeldEvent"/> while the replay reads the feeds.</summary>
    Holding,
    /// <summary>AMQP only, while its bindings come back: the relay puts each live event straight into its queue.</summary>
    Direct,
}

/// <summary>
/// While a subscription replays, its live deliveries are held (kept in order, not lost, not sent): the relay keeps each
/// matching live event as a <see cref="HeldEvent"/>. Carries the subscription's approved scope, so the relay decides
/// without loading the subscription.
/// </summary>
public sealed class ReplayHold
{
    public Guid Id { get; set; }
    public Guid ReplayId { get; set; }
    public DateTimeOffset Since { get; set; }
    public DeliveryKind Delivery { get; set; }
    public List<string> EventTypes { get; set; } = [];
    public string Region { get; set; } = "";
    public string Queue { get; set; } = "";
    public HoldPhase Phase { get; set; }

    public bool Matches(string type, string county) => EventTypes.Contains(type) && county.StartsWith(Region, StringComparison.Ordinal);
}

/// <summary>A live event that arrived for a subscription while its replay held live deliveries.</summary>
public sealed class HeldEvent
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public string Division { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>The owner's event stream (<see cref="Webhooks.WebhookDelivery.Stream"/>).</summary>
    public Guid? Stream { get; set; }
    /// <summary>The order the relay received it in.</summary>
    public long Arrival { get; set; }

    public static Guid IdOf(Guid subscriptionId, Guid eventId) => Platform.EventStore.NameBasedIds.Create(subscriptionId, "held-" + eventId.ToString("N"));
}

/// <summary>
/// 交接 The hand-over between a replay and the live deliveries, by event id, never by time. Every relay of a live
/// event runs its transaction under a shared PostgreSQL advisory lock and reads the holds inside it; a replay takes
/// the same lock exclusively to start holding and to release, so each live event is, for a replaying subscription,
/// either relayed before the hold (then it is below the feeds' high-water mark when the replay reads them, since a
/// service publishes only below it: the replay has it) or held (then it is released after the replay, unless the
/// replay gave it already: same id). Nothing falls between, whatever the feeds' lag.
/// </summary>
public static class Handover
{
    private const long LockKey = 0x4A4C54_484F4C44; // "JLT" "HOLD"

    /// <summary>Starts the session's transaction and takes the hand-over lock in it (shared: a relay; exclusive: a replay).</summary>
    public static async Task Enter(IDocumentSession session, bool exclusive, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var command = session.Connection!.CreateCommand();
        command.CommandText = exclusive ? $"select pg_advisory_xact_lock({LockKey})" : $"select pg_advisory_xact_lock_shared({LockKey})";
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// What the relay reads as it enters: the holds, the subscriptions' fingerprint, the deliveries that exist, and
    /// which of the events' message ids are stored (applied already: <see cref="Platform.Messaging.IChecksItsId"/>).
    /// </summary>
    public sealed record RelayRead(IReadOnlyList<ReplayHold> Holds, string Generation, IReadOnlySet<Guid> Existing, IReadOnlySet<Guid> Applied)
    {
        /// <summary>Before a group's read (nothing held, no fingerprint, nothing applied).</summary>
        public static readonly RelayRead None = new([], "", new HashSet<Guid>(), new HashSet<Guid>());
    }

    private static int storageReady;

    /// <summary>
    /// The relay's way in, in one round trip: starts the session's transaction, takes the lock shared, and reads in it
    /// every hold, the fingerprint of the subscriptions (<see cref="Relay.WebhookTargets.GenerationSql"/>), which of
    /// <paramref name="deliveryIds"/> are stored already, and which of <paramref name="messageIds"/> are (the relay's
    /// check that it has not applied an event before, made here rather than in a round trip of its own). One event's
    /// ids, or a group's (<see cref="Relay.RelayReads"/>: one hand-over for the group's transaction).
    /// </summary>
    public static async Task<RelayRead> EnterShared(IDocumentSession session, Guid[] messageIds, Guid[] deliveryIds, CancellationToken ct)
    {
        var options = session.DocumentStore.Options;
        if (Volatile.Read(ref storageReady) == 0)
        {
            // Read below by SQL of their own: their tables must exist (Marten makes them on first use otherwise).
            foreach (var type in new[] { typeof(ReplayHold), typeof(Subscription), typeof(Webhooks.WebhookDelivery), typeof(ProcessedMessage) })
            {
                await session.Database.EnsureStorageExistsAsync(type, ct);
            }
            Volatile.Write(ref storageReady, 1);
        }
        await session.BeginTransactionAsync(ct);
        var schema = options.DatabaseSchemaName;
        await using var batch = new Npgsql.NpgsqlBatch(session.Connection!);
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand($"select pg_advisory_xact_lock_shared({LockKey})"));
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand($"select data from {schema}.mt_doc_replayhold"));
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand(Relay.WebhookTargets.GenerationSql(schema)));
        var existing = new Npgsql.NpgsqlBatchCommand($"select id from {schema}.mt_doc_webhookdelivery where id = any($1)");
        existing.Parameters.Add(new Npgsql.NpgsqlParameter<Guid[]> { TypedValue = deliveryIds });
        batch.BatchCommands.Add(existing);
        var applied = new Npgsql.NpgsqlBatchCommand($"select id from {schema}.mt_doc_processedmessage where id = any($1)");
        applied.Parameters.Add(new Npgsql.NpgsqlParameter<Guid[]> { TypedValue = messageIds });
        batch.BatchCommands.Add(applied);
        var serializer = options.Serializer();
        var holds = new List<ReplayHold>();
        var found = new HashSet<Guid>();
        var generation = "";
        var stored = new HashSet<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct); // the lock
            while (await reader.ReadAsync(ct))
            {
                holds.Add(serializer.FromJson<ReplayHold>(reader, 0));
            }
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                generation = reader.GetString(0);
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add(reader.GetGuid(0));
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored.Add(reader.GetGuid(0));
            }
        }
        return new RelayRead(holds, generation, found, stored);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction holding the lock exclusively, and commits it.</summary>
    public static async Task Exclusively(IDocumentStore store, Func<IDocumentSession, Task> work, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await Enter(session, exclusive: true, ct);
        await work(session);
        await session.SaveChangesAsync(ct);
    }
}
