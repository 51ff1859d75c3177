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
/// (AMQP: its bindings removed; webhook: <see cref="ReplayHold"/>), reads the owning services' feeds
/// (<c>GET /internal/integration-events</c>, as the <see cref="Role.EventRelay"/> service account) from the requested
/// time to their end and delivers each matching event (AMQP: straight into the queue; webhook: a delivery unless the
/// subscription has that event already), lets live deliveries through again, reads the feeds on from where it
/// stopped (what was committed meanwhile) until they have been quiet for the settle time, and records <see cref="ReplayCompleted"/>. Events keep their ids, so one
/// that arrives both by the catch-up and live carries the same id. A replay interrupted by a restart runs again
/// from its start: it repeats deliveries with the same ids, never loses one. One replica runs replays (<see cref="Leadership"/>).
/// </summary>
public sealed class ReplayWorker(IDocumentStore store, IHttpClientFactory clients, BrokerAdmin admin, DepartmentExchange exchange,
    IConfiguration configuration, IHostEnvironment environment, TimeProvider clock, ILogger<ReplayWorker> logger) : BackgroundService
{
    private const int PageSize = 500;

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
        var positions = scope.EventTypes.Select(EventCatalogue.Find).OfType<CatalogueEntry>()
            .GroupBy(e => e.Service).ToDictionary(g => g.Key, g => (Types: g.Select(e => e.Type).ToArray(), After: 0L));

        await Hold(subscription, replay, ct);
        var delivered = 0;
        foreach (var service in positions.Keys.Order(StringComparer.Ordinal).ToList())
        {
            var (types, _) = positions[service];
            var (count, last) = await ReadFeed(subscription, service, types, 0, replay.Since, ct);
            delivered += count;
            positions[service] = (types, last);
        }
        await Release(subscription, ct);
        // The catch-up: a feed reads only below its store's high-water mark, which its daemon moves a moment after a
        // commit. So the feeds are read again until none has moved on for the settle time (Replay:Settle, 3 s).
        var settle = configuration.GetValue("Replay:Settle", TimeSpan.FromSeconds(3));
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        while (quiet.Elapsed < settle)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, ct);
            foreach (var service in positions.Keys.Order(StringComparer.Ordinal).ToList())
            {
                var (types, after) = positions[service];
                var (count, last) = await ReadFeed(subscription, service, types, after, replay.Since, ct);
                delivered += count;
                if (last != after)
                {
                    positions[service] = (types, last);
                    quiet.Restart();
                }
            }
        }

        await using var session = store.LightweightSession();
        await session.Act<Subscription>(subscription.Id,
            s => s.Replays.Any(r => r.Id == replay.Id && r.CompletedAt is null) ? [new ReplayCompleted(s.Id, replay.Id, delivered, clock.GetUtcNow())] : [],
            ct);
        logger.LogInformation("Replayed {Count} events to subscription {Subscription}", delivered, subscription.Id);
    }

    /// <summary>Live deliveries wait: AMQP by unbinding the queue, webhooks by a hold the relay respects.</summary>
    private async Task Hold(Subscription subscription, Subscriptions.Replay replay, CancellationToken ct)
    {
        if (subscription.Delivery == DeliveryKind.Amqp)
        {
            await BrokerProvisioner.Rebind(admin, subscription.QueueName, [], ct);
            return;
        }
        await using var session = store.LightweightSession();
        session.Store(new ReplayHold { Id = subscription.Id, Since = replay.Since });
        await session.SaveChangesAsync(ct);
    }

    private async Task Release(Subscription subscription, CancellationToken ct)
    {
        if (subscription.Delivery == DeliveryKind.Amqp)
        {
            // As the subscription is now (it may have been paused meanwhile).
            await using var query = store.QuerySession();
            if (await query.LoadAsync<Subscription>(subscription.Id, ct) is { } current)
            {
                await BrokerProvisioner.Converge(admin, current, ct);
            }
            return;
        }
        await using var session = store.LightweightSession();
        session.Delete<ReplayHold>(subscription.Id);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Reads one service's feed from <paramref name="after"/> to its end; returns how many were delivered and where it ended.</summary>
    private async Task<(int Delivered, long Last)> ReadFeed(
        Subscription subscription, string service, string[] types, long after, DateTimeOffset since, CancellationToken ct)
    {
        using var http = clients.CreateClient("feeds");
        http.BaseAddress = new Uri($"http://{service}");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        var delivered = 0;
        while (true)
        {
            var path = $"{IntegrationFeed.Path}?after={after}&since={Uri.EscapeDataString(since.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"))}" +
                       $"&types={string.Join(',', types)}&limit={PageSize}";
            var page = await http.GetFromJsonAsync<IntegrationFeed.FeedPage>(path, SystemTextJsonMessageSerializer.Options, ct)
                ?? throw new InvalidOperationException($"{service}'s feed answered nothing");
            delivered += await Deliver(subscription, page.Items, ct);
            logger.LogDebug("Replay of {Subscription}: {Service} after {After} gave {Count} items, next {Next}",
                subscription.Id, service, after, page.Items.Count, page.Next);
            if (page.Next == after)
            {
                return (delivered, after);
            }
            after = page.Next;
        }
    }

    private async Task<int> Deliver(Subscription subscription, IReadOnlyList<IntegrationFeed.FeedItem> items, CancellationToken ct)
    {
        var scope = subscription.Scope!;
        var delivered = 0;
        await using var session = store.LightweightSession();
        foreach (var item in items)
        {
            if (EventCatalogue.Find(item.Type) is not { } entry || !scope.EventTypes.Contains(item.Type))
            {
                continue;
            }
            var contract = item.Data.Deserialize(entry.ContractType, SystemTextJsonMessageSerializer.Options)!;
            var county = await Divisions.CountyOf(contract, session, ct);
            if (county is null || !county.StartsWith(scope.Region, StringComparison.Ordinal))
            {
                continue;
            }
            var body = CloudEvents.Build(item.Id, item.Type, entry.Service, item.Time, county, CloudEvents.Data(contract));
            if (subscription.Delivery == DeliveryKind.Amqp)
            {
                await exchange.SendToQueue(subscription.QueueName, item.Id, item.Type, body, ct);
                delivered++;
            }
            else
            {
                delivered += await WebhookStaging.Stage(session, item.Id, item.Type, county, body, replayed: true, onlyFor: subscription, ct);
            }
        }
        await session.SaveChangesAsync(ct);
        return delivered;
    }

    /// <summary>
    /// The EventRelay service account's token: <c>Replay:Token</c> (issued by the province's identity provider), or in
    /// Development one minted by the development issuer.
    /// </summary>
    private string Token() => configuration["Replay:Token"] is { Length: > 0 } token ? token
        : environment.IsDevelopment()
            ? DevTokens.Mint(configuration, new TokenRequest(Role.EventRelay, "", Subject: SubscriptionsService.Name), TimeSpan.FromMinutes(10))
            : throw new InvalidOperationException("Replay:Token is not set: the EventRelay service account's token, from the identity provider.");
}
