using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.Subscriptions.Webhooks;

public enum DeliveryStatus
{
    /// <summary>待投递: waiting for its (next) attempt.</summary>
    Pending,
    /// <summary>已送达: the receiver answered 2xx.</summary>
    Delivered,
    /// <summary>已搁置: every attempt for the retry period failed; it can be re-sent.</summary>
    Parked,
}

/// <summary>
/// 投递: one event for one webhook subscription, kept in the store from the moment it is known (in the same
/// transaction as the message id that brought it), so a restart loses nothing. Its id is derived from the
/// subscription and the event: the same event is one delivery, however often it arrives or is replayed.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    /// <summary>The event's id: the CloudEvent's <c>id</c> and the <c>webhook-id</c> header of every attempt.</summary>
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public string Division { get; set; } = "";
    /// <summary>The CloudEvent, as sent.</summary>
    public string Body { get; set; } = "";
    /// <summary>The owner's event stream the event belongs to (<c>jlt-stream-id</c>), or none (an event without the
    /// header, a delivery staged before it was recorded): a stream's deliveries go one after the other.</summary>
    public Guid? Stream { get; set; }
    /// <summary>Order of sending within a subscription: each stream's deliveries go in this order.</summary>
    public long Sequence { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>When the current run of failures began; the retry period counts from here.</summary>
    public DateTimeOffset? FailingSince { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? ParkedAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    /// <summary>The most recent failed attempt's error and time, kept after a later success (why it took several attempts).</summary>
    public string? LastFailure { get; set; }
    public DateTimeOffset? LastFailedAt { get; set; }
    /// <summary>Brought by a replay rather than live.</summary>
    public bool Replayed { get; set; }

    public static Guid IdOf(Guid subscriptionId, Guid eventId) => NameBasedIds.Create(subscriptionId, eventId.ToString("N"));

    private static long last;

    /// <summary>A sequence number that only grows in this process (time-based, so it also grows across restarts).</summary>
    public static long NextSequence()
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        while (true)
        {
            var seen = Interlocked.Read(ref last);
            var next = Math.Max(seen + 1, now);
            if (Interlocked.CompareExchange(ref last, next, seen) == seen)
            {
                return next;
            }
        }
    }
}
