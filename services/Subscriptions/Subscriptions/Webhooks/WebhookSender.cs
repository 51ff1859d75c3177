using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using JiaoLianTi.Subscriptions.Subscriptions;
using Marten;
using Marten.Services;

namespace JiaoLianTi.Subscriptions.Webhooks;

/// <summary>How webhook deliveries are retried: <c>Webhooks:FirstRetry</c> (5 s), doubling up to
/// <c>Webhooks:MaxRetry</c> (1 h), for <c>Webhooks:RetryFor</c> (25 h) of failures in a row; then parked.</summary>
public sealed record WebhookRetry(TimeSpan First, TimeSpan Max, TimeSpan RetryFor, TimeSpan Timeout)
{
    public static WebhookRetry From(IConfiguration configuration) => new(
        configuration.GetValue("Webhooks:FirstRetry", TimeSpan.FromSeconds(5)),
        configuration.GetValue("Webhooks:MaxRetry", TimeSpan.FromHours(1)),
        configuration.GetValue("Webhooks:RetryFor", TimeSpan.FromHours(25)),
        configuration.GetValue("Webhooks:Timeout", TimeSpan.FromSeconds(10)));

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt, with ±20 % jitter.</summary>
    public TimeSpan After(int attempts)
    {
        var doubling = First.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var wait = Math.Min(doubling, Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(wait * (0.8 + Random.Shared.NextDouble() * 0.4));
    }
}

/// <summary>
/// Hands the sender what a commit staged: the deliveries a transaction inserted go, once it has committed, straight to
/// their subscription's lane in this replica's sender (no read of the store for them); a delivery set pending again
/// (a re-send) makes its lane read the store. A replica that does not send ignores both (the sender polls the store).
/// </summary>
public sealed class WebhookSignal : DocumentSessionListenerBase
{
    /// <summary>How long a delivery announced as being staged holds back the later ones at most (its transaction may have failed).</summary>
    public static readonly TimeSpan StagingAtMost = TimeSpan.FromSeconds(2);

    private volatile WebhookSender? sender;
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<long, long>> staging = new();

    /// <summary>
    /// The relay is staging a delivery with this sequence for the subscription: until its transaction commits, the
    /// sender sends none of the subscription's later ones (the relay stages different streams side by side, and their
    /// transactions may commit in another order than their sequence).
    /// </summary>
    public void Staging(Guid subscriptionId, long sequence) =>
        staging.GetOrAdd(subscriptionId, _ => new())[sequence] = Environment.TickCount64;

    /// <summary>The lowest sequence of the subscription still being staged (announced within <see cref="StagingAtMost"/>), or long.MaxValue.</summary>
    public long StagingFrom(Guid subscriptionId)
    {
        if (!staging.TryGetValue(subscriptionId, out var sequences) || sequences.IsEmpty)
        {
            return long.MaxValue;
        }
        var lowest = long.MaxValue;
        var now = Environment.TickCount64;
        foreach (var (sequence, at) in sequences)
        {
            if (now - at > StagingAtMost.TotalMilliseconds)
            {
                sequences.TryRemove(sequence, out _); // its transaction failed or was retried under another sequence
            }
            else if (sequence < lowest)
            {
                lowest = sequence;
            }
        }
        return lowest;
    }

    internal void Attach(WebhookSender? attached) => sender = attached;

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var delivery in commit.Inserted.OfType<WebhookDelivery>())
        {
            if (staging.TryGetValue(delivery.SubscriptionId, out var sequences))
            {
                sequences.TryRemove(delivery.Sequence, out _);
            }
        }
        if (sender is { } s)
        {
            foreach (var delivery in commit.Inserted.OfType<WebhookDelivery>())
            {
                s.Staged(delivery);
            }
            foreach (var delivery in commit.Updated.OfType<WebhookDelivery>().Where(d => d.Status == DeliveryStatus.Pending))
            {
                s.Reopened(delivery.SubscriptionId);
            }
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// 投递: POSTs each pending delivery to its subscription's URL as a signed CloudEvent (Standard Webhooks headers),
/// one subscription's deliveries one after the other in their order, subscriptions side by side (a lane each). A
/// failure (no 2xx, a timeout, no answer) waits with exponential backoff and holds back the subscription's later
/// deliveries; after the retry period it is parked (re-sent on request) and the next ones go on. Paused subscriptions
/// keep theirs. Of several replicas one sends (it holds a PostgreSQL advisory lock); another takes over when its
/// connection goes.
/// <para>A lane sends a delivery as soon as the transaction that staged it commits in this replica
/// (<see cref="WebhookSignal"/>), without reading it back, while it knows the store holds nothing older pending for its
/// subscription; otherwise (at start, after a failure, a re-send, or every <c>Webhooks:Poll</c> (500 ms) without news:
/// another replica's relay may have staged some) it reads the store's pending deliveries in their order. The outcomes
/// of a batch are written in one statement.</para>
/// </summary>
public sealed class WebhookSender(IDocumentStore store, WebhookSignal signal, IConfiguration configuration,
    TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    private const int Batch = 100;
    private readonly WebhookRetry retry = WebhookRetry.From(configuration);
    private readonly TimeSpan poll = configuration.GetValue("Webhooks:Poll", TimeSpan.FromMilliseconds(500));
    /// <summary>How many of a subscription's streams are sent side by side (<c>Webhooks:Parallel</c>, 4; 1 sends a
    /// subscription's deliveries strictly one after another in their order).</summary>
    private readonly int parallel = Math.Max(1, configuration.GetValue("Webhooks:Parallel", 4));
    private readonly ConcurrentDictionary<Guid, Lane> lanes = new();
    private readonly SemaphoreSlim refresh = new(0, 1);
    /// <summary>Deliveries POSTed with success, not yet recorded: written together (<see cref="WriteDelivered"/>).</summary>
    private System.Threading.Channels.Channel<(Lane Lane, WebhookDelivery Delivery)> delivered =
        System.Threading.Channels.Channel.CreateUnbounded<(Lane, WebhookDelivery)>(new() { SingleReader = true });
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
    }) { Timeout = Timeout.InfiniteTimeSpan };

    private const long LockKey = 0x4A4C54_5745424B; // "JLT" "WEBK"

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Leadership.RunWhileLeading(configuration, LockKey, Send, logger, clock, stoppingToken);

    /// <summary>A delivery committed in this replica: to its lane, or (a subscription not known yet) the lanes are looked at again.</summary>
    internal void Staged(WebhookDelivery delivery)
    {
        if (lanes.TryGetValue(delivery.SubscriptionId, out var lane))
        {
            lane.Fresh.Enqueue(delivery);
            lane.Wake();
        }
        else
        {
            Refresh();
        }
    }

    internal void Reopened(Guid subscriptionId)
    {
        if (lanes.TryGetValue(subscriptionId, out var lane))
        {
            lane.Poke();
        }
    }

    private void Refresh()
    {
        if (refresh.CurrentCount == 0)
        {
            try { refresh.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Sends while this replica holds the lock (its connection stays open): a lane per active webhook subscription.</summary>
    private async Task Send(Npgsql.NpgsqlConnection held, CancellationToken stoppingToken)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var running = new Dictionary<Guid, Task>();
        signal.Attach(this);
        delivered = System.Threading.Channels.Channel.CreateUnbounded<(Lane, WebhookDelivery)>(new() { SingleReader = true });
        var outcomes = delivered;
        var writer = Task.Run(() => WriteDelivered(outcomes, leading.Token), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested && held.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    List<Subscription> active;
                    await using (var query = store.QuerySession())
                    {
                        active = [.. await query.Query<Subscription>()
                            .Where(s => s.Delivery == DeliveryKind.Webhook && s.Status == SubscriptionStatus.Active)
                            .ToListAsync(stoppingToken)];
                    }
                    var ids = active.Select(s => s.Id).ToHashSet();
                    foreach (var gone in lanes.Keys.Where(id => !ids.Contains(id)).ToList())
                    {
                        // Paused, revoked or changed to another kind: its lane stops (what it holds stays pending in the store).
                        if (lanes.TryRemove(gone, out var lane))
                        {
                            await lane.Stop.CancelAsync();
                        }
                    }
                    foreach (var subscription in active)
                    {
                        if (lanes.TryGetValue(subscription.Id, out var lane))
                        {
                            lane.Subscription = subscription; // a rotated secret, a changed URL
                            continue;
                        }
                        lane = new Lane(subscription, CancellationTokenSource.CreateLinkedTokenSource(leading.Token));
                        lanes[subscription.Id] = lane;
                        running[subscription.Id] = Task.Run(() => Run(lane, lane.Stop.Token), CancellationToken.None);
                    }
                    foreach (var done in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                    {
                        running.Remove(done);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Reading the webhook subscriptions failed; trying again");
                }
                // Subscriptions change rarely: looked at again every second, or at once when a delivery comes for one not known.
                await refresh.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        finally
        {
            signal.Attach(null);
            await leading.CancelAsync();
            try
            {
                await Task.WhenAll(running.Values);
            }
            catch (OperationCanceledException)
            {
            }
            lanes.Clear();
            delivered.Writer.TryComplete();
            await writer;
        }
    }

    /// <summary>One subscription's deliveries, one after the other.</summary>
    private sealed class Lane(Subscription subscription, CancellationTokenSource stop)
    {
        private readonly SemaphoreSlim wake = new(0, 1);
        private readonly Queue<Guid> recentOrder = new();
        private readonly HashSet<Guid> recent = [];
        private volatile bool poked;

        public volatile Subscription Subscription = subscription;
        public readonly CancellationTokenSource Stop = stop;
        /// <summary>Deliveries committed in this replica since the lane last read the store.</summary>
        public readonly ConcurrentQueue<WebhookDelivery> Fresh = new();
        /// <summary>Handed over, waiting for an earlier one still being staged (the lane's task only).</summary>
        public readonly List<WebhookDelivery> Waiting = [];
        /// <summary>The store may hold pending deliveries the lane does not know: read it before sending from <see cref="Fresh"/>.</summary>
        public bool FromStore = true;
        /// <summary>Delivered, not yet recorded: the store still has them pending, and they are not sent again.</summary>
        public readonly ConcurrentDictionary<Guid, byte> Unrecorded = new();
        /// <summary>The first pending delivery waits for its next attempt until then (nothing is sent before).</summary>
        public DateTimeOffset BlockedUntil = DateTimeOffset.MinValue;
        /// <summary>The last attempt failed: one delivery at a time until one succeeds (a receiver that is down is not sent many).</summary>
        public volatile bool Failing;

        public void Wake()
        {
            if (wake.CurrentCount == 0)
            {
                try { wake.Release(); } catch (SemaphoreFullException) { }
            }
        }

        /// <summary>Something in the store changed for it (a re-send): read it.</summary>
        public void Poke()
        {
            poked = true;
            Wake();
        }

        public bool TakePoke() => poked && !(poked = false);

        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => wake.WaitAsync(timeout, ct);

        /// <summary>Remembers the last deliveries handled, so that one read from the store and also handed over fresh goes once.</summary>
        public void Handled(Guid id)
        {
            lock (recent)
            {
                if (recent.Add(id))
                {
                    recentOrder.Enqueue(id);
                    if (recentOrder.Count > 20 * Batch)
                    {
                        recent.Remove(recentOrder.Dequeue());
                    }
                }
            }
        }

        public bool WasHandled(Guid id)
        {
            lock (recent)
            {
                return recent.Contains(id);
            }
        }
    }

    private async Task Run(Lane lane, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var attempts = 0;
            try
            {
                if (lane.TakePoke())
                {
                    lane.FromStore = true;
                    lane.BlockedUntil = DateTimeOffset.MinValue;
                }
                attempts = lane.FromStore ? await FromStore(lane, ct) : await FromFresh(lane, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Webhook deliveries of subscription {Subscription} failed; trying again", lane.Subscription.Id);
                lane.FromStore = true;
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
            }
            if (attempts > 0 || (!lane.FromStore && !lane.Fresh.IsEmpty))
            {
                continue;
            }
            // Nothing to send: until a delivery is handed over, a retry falls due, or the poll interval passes (a
            // short one while some wait for an earlier one being staged: it commits, or its announcement lapses).
            var now = clock.GetUtcNow();
            var wait = lane.BlockedUntil > now ? Min(lane.BlockedUntil - now, poll)
                : lane.Waiting.Count > 0 || (lane.FromStore && signal.StagingFrom(lane.Subscription.Id) != long.MaxValue) ? TimeSpan.FromMilliseconds(20)
                : poll;
            if (!await lane.WaitAsync(wait, ct) && wait == poll)
            {
                lane.FromStore = true;
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Reads the subscription's pending deliveries from the store, in order, and sends those due.</summary>
    private async Task<int> FromStore(Lane lane, CancellationToken ct)
    {
        if (lane.BlockedUntil > clock.GetUtcNow())
        {
            lane.Fresh.Clear(); // the store has them; they wait behind the blocked one
            lane.Waiting.Clear();
            return 0;
        }
        // What was handed over before this read is in it (committed before): dropped here, read there.
        lane.Fresh.Clear();
        lane.Waiting.Clear();
        // Delivered but not yet recorded, taken before the read: the writer may record one and forget it while the
        // read runs, and the read, begun before that commit, would still show it pending (it would go twice).
        var inFlight = lane.Unrecorded.Keys.ToHashSet();
        List<WebhookDelivery> due;
        await using (var query = store.QuerySession())
        {
            due = [.. await query.Query<WebhookDelivery>()
                .Where(d => d.SubscriptionId == lane.Subscription.Id && d.Status == DeliveryStatus.Pending)
                .OrderBy(d => d.Sequence).Take(Batch).ToListAsync(ct)];
        }
        var from = signal.StagingFrom(lane.Subscription.Id);
        var ready = due.Where(d => !inFlight.Contains(d.Id)).ToList();
        var (attempts, blocked) = await SendInOrder(lane, [.. ready.TakeWhile(d => d.Sequence < from)], ct);
        // Everything pending was read and nothing holds the rest back: from now on what is handed over is all there is.
        lane.FromStore = blocked || due.Count == Batch || ready.Any(d => d.Sequence >= from);
        return attempts;
    }

    /// <summary>Sends what was handed over since, in the order of the commits.</summary>
    private async Task<int> FromFresh(Lane lane, CancellationToken ct)
    {
        while (lane.Waiting.Count < Batch && lane.Fresh.TryDequeue(out var delivery))
        {
            if (!lane.WasHandled(delivery.Id) && delivery.Status == DeliveryStatus.Pending)
            {
                lane.Waiting.Add(delivery);
            }
        }
        // In their order, up to the first one still being staged (an earlier one of another stream, not yet committed).
        lane.Waiting.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var from = signal.StagingFrom(lane.Subscription.Id);
        var batch = lane.Waiting.TakeWhile(d => d.Sequence < from).ToList();
        lane.Waiting.RemoveRange(0, batch.Count);
        var (attempts, blocked) = await SendInOrder(lane, batch, ct);
        if (blocked)
        {
            // The rest waits behind the failed one: it is read from the store, in order, when that one is due.
            lane.FromStore = true;
            lane.Fresh.Clear();
            lane.Waiting.Clear();
        }
        return attempts;
    }

    /// <summary>
    /// Sends the deliveries, each stream's one after another, up to <see cref="parallel"/> streams side by side (only
    /// one at a time while the receiver is failing), and writes the outcomes. A failure, or a delivery not yet due,
    /// stops its stream's sending: the lane is blocked until the earliest such one falls due.
    /// </summary>
    private async Task<(int Attempts, bool Blocked)> SendInOrder(Lane lane, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken ct)
    {
        var subscription = lane.Subscription;
        if (subscription.Scope?.WebhookUrl is not { } url || subscription.WebhookSecret is not { } secret)
        {
            return (0, true);
        }
        var batch = new BatchOutcome();
        var side = lane.Failing ? 1 : parallel;
        // A stream's deliveries stay in one group, in their order; deliveries without a stream all in the first.
        List<IReadOnlyList<WebhookDelivery>> groups = side == 1
            ? [deliveries]
            : [.. deliveries.GroupBy(d => d.Stream is { } stream ? (stream.GetHashCode() & int.MaxValue) % side : 0).Select(g => g.ToList())];
        try
        {
            await Task.WhenAll(groups.Select(group => groups.Count == 1
                ? SendStreams(lane, url, secret, subscription, group, batch, ct)
                : Task.Run(() => SendStreams(lane, url, secret, subscription, group, batch, ct), CancellationToken.None)));
        }
        finally
        {
            // Even when stopping mid-batch: what was sent is recorded (else it would go again, with the same id).
            if (!batch.Changed.IsEmpty)
            {
                await Record([.. batch.Changed], CancellationToken.None);
            }
        }
        if (batch.BlockedUntil is { } until)
        {
            lane.BlockedUntil = until;
        }
        if (batch.Failed || batch.Succeeded)
        {
            lane.Failing = batch.Failed;
        }
        return (batch.Attempts, batch.BlockedUntil is not null);
    }

    /// <summary>What the groups of one batch did: their attempts, the failures and parked ones, the earliest block.</summary>
    private sealed class BatchOutcome
    {
        private readonly Lock gate = new();
        /// <summary>Recorded at once: failures (the backoff must hold) and parked ones.</summary>
        public readonly ConcurrentQueue<WebhookDelivery> Changed = new();
        public int Attempts { get; private set; }
        public DateTimeOffset? BlockedUntil { get; private set; }
        public bool Succeeded { get; private set; }
        public bool Failed { get; private set; }

        public void Attempted(bool ok)
        {
            lock (gate)
            {
                Attempts++;
                if (ok) Succeeded = true; else Failed = true;
            }
        }

        public void Blocked(DateTimeOffset until)
        {
            lock (gate)
            {
                if (BlockedUntil is null || until < BlockedUntil) BlockedUntil = until;
            }
        }
    }

    /// <summary>Sends one group's deliveries one after another until one fails or is not yet due (it holds back the rest).</summary>
    private async Task SendStreams(Lane lane, string url, string secret, Subscription subscription,
        IReadOnlyList<WebhookDelivery> deliveries, BatchOutcome batch, CancellationToken ct)
    {
        foreach (var delivery in deliveries)
        {
            var now = clock.GetUtcNow();
            if (delivery.NextAttemptAt > now)
            {
                // The first not yet due holds back the rest: the subscriber gets them in order.
                batch.Blocked(delivery.NextAttemptAt);
                return;
            }
            var (ok, status, error) = await Post(url, secret, subscription, delivery, ct);
            batch.Attempted(ok);
            delivery.Attempts++;
            delivery.LastStatusCode = status;
            lane.Handled(delivery.Id);
            if (ok)
            {
                delivery.Status = DeliveryStatus.Delivered;
                delivery.DeliveredAt = clock.GetUtcNow();
                delivery.LastError = null;
                delivery.FailingSince = null;
                lane.Unrecorded[delivery.Id] = 0;
                delivered.Writer.TryWrite((lane, delivery));
                continue;
            }
            batch.Changed.Enqueue(delivery);
            delivery.LastError = error;
            delivery.LastFailure = error;
            delivery.LastFailedAt = now;
            delivery.FailingSince ??= now;
            if (now - delivery.FailingSince >= retry.RetryFor)
            {
                delivery.Status = DeliveryStatus.Parked;
                delivery.ParkedAt = now;
                logger.LogWarning("Webhook delivery {Delivery} of {Type} to subscription {Subscription} parked after {Attempts} attempts: {Error}",
                    delivery.Id, delivery.EventType, subscription.Id, delivery.Attempts, error);
                continue;
            }
            delivery.NextAttemptAt = now + retry.After(delivery.Attempts);
            batch.Blocked(delivery.NextAttemptAt);
            return;
        }
    }

    /// <summary>
    /// Records the successful deliveries of every lane together: what came while the last write ran goes in the next
    /// (one statement for many, instead of one per POST). A write that fails is tried again; if the sender stops before,
    /// those deliveries stay pending in the store and go again later, with the same id.
    /// </summary>
    private async Task WriteDelivered(System.Threading.Channels.Channel<(Lane Lane, WebhookDelivery Delivery)> outcomes, CancellationToken ct)
    {
        var batch = new List<(Lane Lane, WebhookDelivery Delivery)>();
        while (true)
        {
            var more = true;
            try
            {
                if (batch.Count == 0)
                {
                    more = await outcomes.Reader.WaitToReadAsync(CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
                more = false;
            }
            while (outcomes.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                if (!more)
                {
                    return;
                }
                continue;
            }
            try
            {
                await Record([.. batch.Select(b => b.Delivery)], CancellationToken.None);
                foreach (var (lane, delivery) in batch)
                {
                    lane.Unrecorded.TryRemove(delivery.Id, out _);
                }
                batch.Clear();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Recording {Count} webhook deliveries failed; trying again", batch.Count);
                if (ct.IsCancellationRequested)
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), clock, CancellationToken.None);
            }
            if (!more)
            {
                return;
            }
        }
    }

    /// <summary>The outcomes of a batch, in one statement (each delivery's document as it is now).</summary>
    private async Task Record(IReadOnlyList<WebhookDelivery> changed, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        await using var session = store.LightweightSession();
        session.QueueSqlCommand(
            $"update {store.Options.DatabaseSchemaName}.mt_doc_webhookdelivery as d set data = u.data, mt_last_modified = transaction_timestamp() " +
            "from unnest(?::uuid[], ?::jsonb[]) as u(id, data) where d.id = u.id",
            changed.Select(d => d.Id).ToArray(), changed.Select(d => serializer.ToJson(d)).ToArray());
        await session.SaveChangesAsync(ct);
    }

    private async Task<(bool Ok, int? Status, string? Error)> Post(
        string url, string secret, Subscription subscription, WebhookDelivery delivery, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var id = delivery.EventId.ToString();
        var signature = WebhookSignature.Sign(secret, id, timestamp, body);
        if (subscription.PreviousWebhookSecret is { } previous && subscription.PreviousSecretValidUntil > clock.GetUtcNow())
        {
            signature += " " + WebhookSignature.Sign(previous, id, timestamp, body);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(Relay.CloudEvents.ContentType);
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(retry.Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode
                ? (true, (int)response.StatusCode, null)
                : (false, (int)response.StatusCode, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, null, $"超时 / no answer within {retry.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return (false, null, e.Message);
        }
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
