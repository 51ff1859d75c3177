using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Subscriptions.Tests;

/// <summary>One POST a departmental system's endpoint received.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string ContentType, byte[] Body);

/// <summary>
/// A departmental system's webhook endpoint: a real Kestrel server on a loopback port that keeps what it receives. It
/// can be stopped (nothing listens: connection refused) and started again on the same port, made to answer 500, or
/// slow (it counts how many POSTs it answers at once).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>While set, every POST is answered 500 (and not kept).</summary>
    public volatile bool Failing;

    /// <summary>How long each POST is answered after (a slow receiver).</summary>
    public TimeSpan Delay;

    private int inFlight;
    private int mostInFlight;

    /// <summary>The most POSTs it was answering at once.</summary>
    public int MostInFlight => Volatile.Read(ref mostInFlight);

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartAgainAsync();
        return receiver;
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        app = builder.Build();
        app.MapPost("/hook", async (HttpContext http) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            try
            {
                int most;
                while (now > (most = Volatile.Read(ref mostInFlight)) && Interlocked.CompareExchange(ref mostInFlight, now, most) != most)
                {
                }
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay);
                }
                if (Failing)
                {
                    return Results.StatusCode(500);
                }
                Received.Enqueue(new ReceivedWebhook(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                    http.Request.Headers["webhook-signature"].ToString(), http.Request.ContentType ?? "", body.ToArray()));
                return Results.NoContent();
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        });
        await app.StartAsync();
        Port = new Uri(app.Urls.First()).Port;
    }

    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
