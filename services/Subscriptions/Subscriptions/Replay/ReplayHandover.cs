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

    /// <summary>Runs <paramref name="work"/> in one transaction holding the lock exclusively, and commits it.</summary>
    public static async Task Exclusively(IDocumentStore store, Func<IDocumentSession, Task> work, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await Enter(session, exclusive: true, ct);
        await work(session);
        await session.SaveChangesAsync(ct);
    }
}
