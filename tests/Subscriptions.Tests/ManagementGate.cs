using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Subscriptions.Tests;

/// <summary>
/// A real HTTP proxy (Kestrel on a loopback port) in front of the broker's real management API, that a test can make
/// hold back the calls that create bindings to one queue: they wait at the gate until it opens, then go on to the
/// broker unchanged. Everything else passes straight through. With it a test widens the window in which a queue has
/// lost its bindings and not got them back (a replay's hand-over to live) for as long as it needs, without a sleep.
/// </summary>
public sealed class ManagementGate : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient broker;
    private volatile string? heldQueue;
    private TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource caught = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagementGate(WebApplication app, Uri management)
    {
        this.app = app;
        broker = new HttpClient { BaseAddress = new Uri(management.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Completes when the first binding call for the held queue reached the gate (and waits there).</summary>
    public Task Caught => caught.Task;

    /// <summary>How many binding calls were held.</summary>
    public int Held;

    public static async Task<ManagementGate> StartAsync(Uri management)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gate = new ManagementGate(app, management);
        app.Run(gate.Forward);
        await app.StartAsync();
        gate.Address = new Uri(app.Urls.First());
        return gate;
    }

    /// <summary>From now on, calls that create a binding to <paramref name="queue"/> wait until <see cref="Open"/>.</summary>
    public void HoldBindingsOf(string queue)
    {
        open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        heldQueue = queue;
    }

    public void Open()
    {
        heldQueue = null;
        open.TrySetResult();
    }

    private async Task Forward(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (heldQueue is { } queue && context.Request.Method == "POST" && path.StartsWith("/api/bindings/", StringComparison.Ordinal)
            && Uri.UnescapeDataString(path).EndsWith("/q/" + queue, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref Held);
            caught.TrySetResult();
            await open.Task;
        }
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            context.Request.Path.ToUriComponent().TrimStart('/') + context.Request.QueryString);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name is "Host" or "Content-Length" or "Content-Type" or "Transfer-Encoding") continue;
            request.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        if (context.Request.ContentLength > 0 || context.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
            if (context.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        using var response = await broker.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } contentType) context.Response.ContentType = contentType.ToString();
        await response.Content.CopyToAsync(context.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        Open();
        await app.DisposeAsync();
        broker.Dispose();
    }
}
