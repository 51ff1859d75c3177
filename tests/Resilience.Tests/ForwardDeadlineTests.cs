using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Capacity;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Resilience.Tests;

/// <summary>
/// Inside Alliances, counts the commands (POST) that arrive, and holds each request that carries <see cref="Header"/>
/// for that many milliseconds before it runs: a service's place at the gateway stays taken that long.
/// </summary>
public sealed class Hold : IStartupFilter
{
    public const string Header = "X-Test-Hold-Ms";

    private int posts;

    public int Posts => Volatile.Read(ref posts);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                Interlocked.Increment(ref posts);
            }
            if (int.TryParse(context.Request.Headers[Header], out var ms))
            {
                await Task.Delay(ms);
            }
            await inner(context);
        });
        next(app);
    };
}

/// <summary>
/// A gateway that forwards one request at a time to a service, lets 8 more wait up to 5 s for it, and forwards none
/// that has been in the gateway longer than 0.5 s when its turn comes while the share is full
/// (Capacity:PerService:ForwardWithinSeconds, gateway/ServiceBulkhead.cs).
/// </summary>
public sealed class ForwardDeadlineSystem : TestSystem
{
    public Hold AtAlliances { get; } = new();

    public ForwardDeadlineSystem()
    {
        WithSetting("Capacity:PerService:Concurrency", "1");
        WithSetting("Capacity:PerService:QueueLimit", "8");
        WithSetting("Capacity:PerService:QueueSeconds", "5");
        WithSetting("Capacity:PerService:TargetSeconds", "0");
        WithSetting("Capacity:PerService:ForwardWithinSeconds", "0.5");
        Configure("alliances", services => services.AddSingleton<IStartupFilter>(AtAlliances));
    }
}

/// <summary>
/// 转发时限 / The deadline before forwarding (issue 20 item 5): a request that waited in the gateway past it, with the
/// service's share full, is answered 503 with Retry-After at the gateway and never reaches the service, so the service
/// spends nothing on a caller who may have given up; the wait of every request is recorded on
/// <c>jlt.capacity.forward_wait</c>, the refused ones tagged so.
/// </summary>
public sealed class ForwardDeadlineTests(ForwardDeadlineSystem system) : IClassFixture<ForwardDeadlineSystem>
{
    [Fact]
    public async Task A_request_that_waited_past_the_deadline_for_a_full_share_is_refused_and_never_reaches_the_service()
    {
        using var waits = new ForwardWaits(system.Services("gateway").GetRequiredService<IMeterFactory>());
        using var county = system.Client(Role.CountyAdmin, "510104");
        // Warm: the first request through a fresh gateway compiles its path and must not count as a wait.
        Assert.Equal(HttpStatusCode.OK, (await county.GetAsync("/api/alliances/units/?county=510104")).StatusCode);
        var name = $"转发时限图书馆{Guid.NewGuid():N}";

        // The one place taken for 2 s; a registration comes behind it and waits for it longer than 0.5 s.
        using var holding = new HttpRequestMessage(HttpMethod.Get, "/api/alliances/units/?county=510104");
        holding.Headers.Add(Hold.Header, "2000");
        var held = county.SendAsync(holding);
        await Eventually.Until(() => Task.FromResult(waits.Forwarded("service:alliances")), n => n >= 2, TimeSpan.FromSeconds(10));
        var posts = system.AtAlliances.Posts;
        using var late = await county.Post("/api/alliances/units", new { kind = "Library", name, countyCode = "510104" });
        var body = await late.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
        Assert.Equal("1", late.Headers.RetryAfter?.ToString());
        using (var problem = JsonDocument.Parse(body))
        {
            Assert.Equal("capacity", problem.RootElement.GetProperty("code").GetString());
            Assert.Contains("服务繁忙", problem.RootElement.GetProperty("title").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        var refused = Assert.Single(waits.Refused("service:alliances"));
        Assert.InRange(refused, 0.5, 10);

        // Nothing of it reached Alliances. With the place free, the same command goes through at once.
        Assert.Equal(posts, system.AtAlliances.Posts);
        using var again = await county.Post("/api/alliances/units", new { kind = "Library", name, countyCode = "510104" });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(posts + 1, system.AtAlliances.Posts);
        Assert.Single(waits.Refused("service:alliances"));
    }

    /// <summary>What the gateway of this system records on <c>jlt.capacity.forward_wait</c> while this listener is alive.</summary>
    private sealed class ForwardWaits : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string Gate, double Seconds, bool Refused)> seen = new();

        public ForwardWaits(IMeterFactory gateway)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                // This system's gateway only: its meters come from its own factory.
                if (instrument is { Name: CapacityGauges.ForwardWaitInstrument, Meter.Name: CapacityGauges.MeterName }
                    && ReferenceEquals(instrument.Meter.Scope, gateway))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            {
                string? gate = null;
                var refused = false;
                foreach (var tag in tags)
                {
                    if (tag.Key == "gate") gate = tag.Value as string;
                    if (tag.Key == "refused") refused = tag.Value is true;
                }
                seen.Enqueue((gate ?? "", seconds, refused));
            });
            listener.Start();
        }

        public int Forwarded(string gate) => seen.Count(s => s.Gate == gate && !s.Refused);

        public List<double> Refused(string gate) => [.. seen.Where(s => s.Gate == gate && s.Refused).Select(s => s.Seconds)];

        public void Dispose() => listener.Dispose();
    }
}
