using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Subscriptions.Broker;
using JiaoLianTi.Subscriptions.Catalogue;
using JiaoLianTi.Subscriptions.Relay;
using JiaoLianTi.Subscriptions.Subscriptions;
using Marten;
using MassTransit.Serialization;

namespace JiaoLianTi.Subscriptions.Replay;

/// <summary>
/// 回放: runs each requested replay (docs/subscriptions.md, "Replay"). It holds the subscription's live deliveries
/// (<see cref="ReplayHold"/>: from then on the relay keeps each live event for it as a <see cref="HeldEvent"/>; an AMQP
/// queue is unbound first), reads the owning services' feeds (<c>GET /internal/integration-events</c>, as the
/// <see cref="Role.EventRelay"/> service account, <see cref="ReplayTokens"/>) from the requested time to their end and
/// delivers each matching event in feed order (AMQP: straight into the queue; webhook: a delivery unless the
/// subscription has that event already), then delivers the held events the feeds did not give (by id), in the order
/// they arrived, and lets live deliveries through (<see cref="Handover"/>: by id, never by time), and records
/// <see cref="ReplayCompleted"/>. Events keep their ids. A replay interrupted by a restart runs again from its start:
/// it repeats deliveries with the same ids, never loses one. One replica runs replays (<see cref="Leadership"/>).
/// </summary>
public sealed class ReplayWorker(IDocumentStore store, IHttpClientFactory clients, BrokerAdmin admin, DepartmentExchange exchange,
    ReplayTokens tokens, IConfiguration configuration, TimeProvider clock, ILogger<ReplayWorker> logger) : BackgroundService
{
    /// <summary>Items per page of a feed (<c>Replay:PageSize</c>, 1–1000, default 500).</summary>
    private int PageSize => Math.Clamp(configuration.GetValue("Replay:PageSize", 500), 1, IntegrationFeed.MaxLimit);

    private const long LockKey = 0x4A4C54_52504C59; // "JLT" "RPLY"

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Leadership.RunWhileLeading(configuration, LockKey, Lead, logger, clock, stoppingToken);

    /// <summary>Runs replays while this replica holds the lock.</summary>
    private async Task Lead(Npgsql.NpgsqlConnection held, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && held.State == System.Data.ConnectionState.Open)
        {
            try
            {
                await RunDue(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "A replay failed; it runs again");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, stoppingToken);
        }
    }

    private async Task RunDue(CancellationToken ct)
    {
        List<Subscription> active;
        await using (var query = store.QuerySession())
        {
            active = [.. await query.Query<Subscription>().Where(s => s.Status == SubscriptionStatus.Active).ToListAsync(ct)];
        }
        foreach (var subscription in active)
        {
            if (subscription.Replays.FirstOrDefault(r => r.CompletedAt is null) is { } replay && subscription.Scope is not null)
            {
                await Run(subscription, replay, ct);
            }
        }
    }

    private async Task Run(Subscription subscription, Subscriptions.Replay replay, CancellationToken ct)
    {
        var scope = subscription.Scope!;
        logger.LogInformation("Replaying subscription {Subscription} since {Since}", subscription.Id, replay.Since);
        var services = scope.EventTypes.Select(EventCatalogue.Find).OfType<CatalogueEntry>()
            .GroupBy(e => e.Service).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Service: g.Key, Types: g.Select(e => e.Type).ToArray())).ToList();

        await Hold(subscription, replay, ct);
        // Every event relayed before the hold was committed before it, so it is at or below the head each feed gives
        // from now on: reading each feed until it reaches that head gives all of them; what came later is held.
        var replayed = new HashSet<Guid>();
        foreach (var (service, types) in services)
        {
            await ReadFeed(subscription, service, types, replay.Since, replayed, ct);
        }
        // Replay:HoldLonger (none by default) keeps holding a while after the feeds were read: the tests widen with it
        // the window in which live events arrive held, to see them released; it changes what arrives in no way.
        if (configuration.GetValue("Replay:HoldLonger", TimeSpan.Zero) is { Ticks: > 0 } longer)
        {
            await Task.Delay(longer, clock, ct);
        }
        var released = await Release(subscription, replayed, ct);
        var delivered = replayed.Count + released;

        await using var session = store.LightweightSession();
        await session.Act<Subscription>(subscription.Id,
            s => s.Replays.Any(r => r.Id == replay.Id && r.CompletedAt is null) ? [new ReplayCompleted(s.Id, replay.Id, delivered, clock.GetUtcNow())] : [],
            ct);
        logger.LogInformation("Replayed {Count} events and released {Held} held ones to subscription {Subscription}",
            replayed.Count, released, subscription.Id);
    }

    /// <summary>
    /// Live deliveries wait: from the commit of the hold (under the hand-over lock) every live event for the
    /// subscription is kept as a <see cref="HeldEvent"/>. An AMQP queue is unbound first, so that nothing live
    /// reaches it while it is held (what the broker still routed before is in the feeds).
    /// </summary>
    private async Task Hold(Subscription subscription, Subscriptions.Replay replay, CancellationToken ct)
    {
        if (subscription.Delivery == DeliveryKind.Amqp)
        {
            await BrokerProvisioner.Rebind(admin, subscription.QueueName, [], ct);
        }
        var scope = subscription.Scope!;
        await Handover.Exclusively(store, session =>
        {
            session.Store(new ReplayHold
            {
                Id = subscription.Id, ReplayId = replay.Id, Since = replay.Since, Delivery = subscription.Delivery,
                EventTypes = [.. scope.EventTypes], Region = scope.Region, Queue = subscription.QueueName, Phase = HoldPhase.Holding,
            });
            return Task.CompletedTask;
        }, ct);
    }

    /// <summary>
    /// Delivers the held live events the replay did not give (by id), in the order they arrived, and lets live
    /// deliveries through again; returns how many it delivered. Webhook: in one transaction under the hand-over lock,
    /// so the next live event is staged after them. AMQP: the held ones go into the queue and the relay puts what
    /// comes meanwhile straight into it (<see cref="HoldPhase.Direct"/>) until the bindings are back.
    /// </summary>
    private async Task<int> Release(Subscription subscription, HashSet<Guid> replayed, CancellationToken ct)
    {
        var released = 0;
        await Handover.Exclusively(store, async session =>
        {
            var held = await session.Query<HeldEvent>().Where(h => h.SubscriptionId == subscription.Id).OrderBy(h => h.Arrival).ToListAsync(ct);
            var current = await session.LoadAsync<Subscription>(subscription.Id, ct);
            foreach (var e in held.Where(h => !replayed.Contains(h.EventId)))
            {
                var body = System.Text.Encoding.UTF8.GetBytes(e.Body);
                if (subscription.Delivery == DeliveryKind.Amqp)
                {
                    await exchange.SendToQueue(subscription.QueueName, e.EventId, e.EventType, body, ct);
                    released++;
                }
                else if (current is not null)
                {
                    released += await WebhookStaging.Stage(session, e.EventId, e.EventType, e.Division, body, e.Stream, replayed: false, onlyFor: current, ct);
                }
            }
            session.DeleteWhere<HeldEvent>(h => h.SubscriptionId == subscription.Id);
            if (subscription.Delivery == DeliveryKind.Amqp && await session.LoadAsync<ReplayHold>(subscription.Id, ct) is { } hold)
            {
                hold.Phase = HoldPhase.Direct;
                session.Store(hold);
            }
            else
            {
                session.Delete<ReplayHold>(subscription.Id);
            }
        }, ct);
        if (subscription.Delivery == DeliveryKind.Amqp)
        {
            // As the subscription is now (it may have been paused meanwhile); then the relay routes by the bindings alone.
            await using (var query = store.QuerySession())
            {
                if (await query.LoadAsync<Subscription>(subscription.Id, ct) is { } now)
                {
                    await BrokerProvisioner.Converge(admin, now, ct);
                }
            }
            await Handover.Exclusively(store, session =>
            {
                session.Delete<ReplayHold>(subscription.Id);
                return Task.CompletedTask;
            }, ct);
        }
        return released;
    }

    /// <summary>
    /// How long a replay waits for a feed to reach the head of its first page (<c>Replay:CatchUpFor</c>, 60 s): the
    /// positions below it not committed yet are transactions still open, which commit in moments, or rolled back,
    /// which the service's high-water mark passes after its stale threshold. Past it the replay fails and runs again.
    /// </summary>
    private TimeSpan CatchUpFor => configuration.GetValue("Replay:CatchUpFor", TimeSpan.FromSeconds(60));

    /// <summary>
    /// Reads one service's feed from <paramref name="since"/> until it has reached the head of its first page (every
    /// event committed before the replay began, including one published at its commit and relayed live while the
    /// transactions below it were still open), and delivers what matches; adds their ids to <paramref name="replayed"/>.
    /// </summary>
    private async Task ReadFeed(
        Subscription subscription, string service, string[] types, DateTimeOffset since, HashSet<Guid> replayed, CancellationToken ct)
    {
        using var http = clients.CreateClient("feeds");
        http.BaseAddress = new Uri($"http://{service}");
        long after = 0;
        long? head = null;
        var waitingSince = (DateTimeOffset?)null;
        while (true)
        {
            var path = $"{IntegrationFeed.Path}?after={after}&since={Uri.EscapeDataString(since.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"))}" +
                       $"&types={string.Join(',', types)}&limit={PageSize}";
            // The token for each page, not once per feed: a long replay outlives a token, and the one it began with
            // would be sent expired (ReplayTokens renews it a minute before it expires).
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.Token(ct));
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadFromJsonAsync<IntegrationFeed.FeedPage>(SystemTextJsonMessageSerializer.Options, ct)
                ?? throw new InvalidOperationException($"{service}'s feed answered nothing");
            await Deliver(subscription, page.Items, replayed, ct);
            head ??= page.Head;
            logger.LogDebug("Replay of {Subscription}: {Service} after {After} gave {Count} items, next {Next}, head {Head}",
                subscription.Id, service, after, page.Items.Count, page.Next, head);
            if (page.Next != after)
            {
                after = page.Next;
                waitingSince = null;
                continue;
            }
            if (after >= head)
            {
                return;
            }
            // The feed stops below a position not committed yet, with events committed above it: ask again shortly.
            waitingSince ??= clock.GetUtcNow();
            if (clock.GetUtcNow() - waitingSince > CatchUpFor)
            {
                throw new TimeoutException($"{service}'s feed stayed at {after} below {head} for {CatchUpFor}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, ct);
        }
    }

    private async Task Deliver(Subscription subscription, IReadOnlyList<IntegrationFeed.FeedItem> items, HashSet<Guid> replayed, CancellationToken ct)
    {
        var scope = subscription.Scope!;
        await using var session = store.LightweightSession();
        foreach (var item in items)
        {
            if (EventCatalogue.Find(item.Type) is not { } entry || !scope.EventTypes.Contains(item.Type))
            {
                continue;
            }
            var contract = item.Data.Deserialize(entry.ContractType, SystemTextJsonMessageSerializer.Options)!;
            var county = await Divisions.CountyOf(contract, session, ct);
            if (county is null || !county.StartsWith(scope.Region, StringComparison.Ordinal) || !replayed.Add(item.Id))
            {
                continue;
            }
            var body = CloudEvents.Build(item.Id, item.Type, entry.Service, item.Time, county, CloudEvents.Data(contract));
            if (subscription.Delivery == DeliveryKind.Amqp)
            {
                await exchange.SendToQueue(subscription.QueueName, item.Id, item.Type, body, ct);
            }
            else
            {
                await WebhookStaging.Stage(session, item.Id, item.Type, county, body, item.StreamId, replayed: true, onlyFor: subscription, ct);
            }
        }
        await session.SaveChangesAsync(ct);
    }
}
