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

/// <summary>Wakes the sender as soon as a transaction that staged or re-opened a delivery commits.</summary>
public sealed class WebhookSignal : DocumentSessionListenerBase
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try { wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => wake.WaitAsync(timeout, ct);

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.Inserted.OfType<WebhookDelivery>().Any() || commit.Updated.OfType<WebhookDelivery>().Any(d => d.Status == DeliveryStatus.Pending))
        {
            Wake();
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// 投递: POSTs each pending delivery to its subscription's URL as a signed CloudEvent (Standard Webhooks headers),
/// one subscription's deliveries one after the other in their order, subscriptions side by side. A failure (no 2xx,
/// a timeout, no answer) waits with exponential backoff and holds back the subscription's later deliveries; after
/// the retry period it is parked (re-sent on request) and the next ones go on. Paused subscriptions keep theirs.
/// Of several replicas one sends (it holds a PostgreSQL advisory lock); another takes over when its connection goes.
/// </summary>
public sealed class WebhookSender(IDocumentStore store, WebhookSignal signal, IConfiguration configuration,
    TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    private const int Batch = 100;
    private readonly WebhookRetry retry = WebhookRetry.From(configuration);
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
    }) { Timeout = Timeout.InfiniteTimeSpan };

    private const long LockKey = 0x4A4C54_5745424B; // "JLT" "WEBK"

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Leadership.RunWhileLeading(configuration, LockKey, Send, logger, clock, stoppingToken);

    /// <summary>Sends while this replica holds the lock (its connection stays open).</summary>
    private async Task Send(Npgsql.NpgsqlConnection held, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && held.State == System.Data.ConnectionState.Open)
        {
            var sent = 0;
            try
            {
                sent = await Round(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "A round of webhook deliveries failed; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
            if (sent == 0)
            {
                // Nothing due: sleep until a commit stages something, or a retry falls due.
                await signal.WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
            }
        }
    }

    /// <summary>One pass over every active webhook subscription; returns how many attempts were made.</summary>
    private async Task<int> Round(CancellationToken ct)
    {
        List<Subscription> subscriptions;
        await using (var query = store.QuerySession())
        {
            subscriptions = (await query.Query<Subscription>()
                .Where(s => s.Delivery == DeliveryKind.Webhook && s.Status == SubscriptionStatus.Active)
                .ToListAsync(ct)).ToList();
        }
        var attempts = await Task.WhenAll(subscriptions.Select(s => Send(s, ct)));
        return attempts.Sum();
    }

    private async Task<int> Send(Subscription subscription, CancellationToken ct)
    {
        if (subscription.Scope?.WebhookUrl is not { } url || subscription.WebhookSecret is not { } secret)
        {
            return 0;
        }
        await using var session = store.LightweightSession();
        var due = await session.Query<WebhookDelivery>()
            .Where(d => d.SubscriptionId == subscription.Id && d.Status == DeliveryStatus.Pending)
            .OrderBy(d => d.Sequence).Take(Batch).ToListAsync(ct);
        var attempts = 0;
        foreach (var delivery in due)
        {
            var now = clock.GetUtcNow();
            if (delivery.NextAttemptAt > now)
            {
                break; // the first not yet due holds back the rest: the subscriber gets them in order
            }
            attempts++;
            var (ok, status, error) = await Post(url, secret, subscription, delivery, ct);
            delivery.Attempts++;
            delivery.LastStatusCode = status;
            if (ok)
            {
                delivery.Status = DeliveryStatus.Delivered;
                delivery.DeliveredAt = clock.GetUtcNow();
                delivery.LastError = null;
                delivery.FailingSince = null;
                session.Update(delivery);
                continue;
            }
            delivery.LastError = error;
            delivery.FailingSince ??= now;
            if (now - delivery.FailingSince >= retry.RetryFor)
            {
                delivery.Status = DeliveryStatus.Parked;
                delivery.ParkedAt = now;
                session.Update(delivery);
                logger.LogWarning("Webhook delivery {Delivery} of {Type} to subscription {Subscription} parked after {Attempts} attempts: {Error}",
                    delivery.Id, delivery.EventType, subscription.Id, delivery.Attempts, error);
                continue;
            }
            delivery.NextAttemptAt = now + retry.After(delivery.Attempts);
            session.Update(delivery);
            break;
        }
        if (attempts > 0)
        {
            await session.SaveChangesAsync(ct);
        }
        return attempts;
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
