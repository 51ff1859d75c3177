using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Resilience.Tests;

/// <summary>
/// Counts, inside Alliances, how many requests run at once (the most ever seen), before any limit of the service's own.
/// </summary>
public sealed class InFlight : IStartupFilter
{
    private int now;
    private int most;

    public int Most => Volatile.Read(ref most);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            var running = Interlocked.Increment(ref now);
            int seen;
            while (running > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, running, seen) != seen)
            {
            }
            try
            {
                await inner(context);
            }
            finally
            {
                Interlocked.Decrement(ref now);
            }
        });
        next(app);
    };
}

/// <summary>
/// A system whose gateway forwards at most 3 requests at once to one instance of a service, 3 more waiting at most
/// 0.2 s (Capacity:PerService:*, gateway/ServiceBulkhead.cs); the gateway's own limit and the services' stay as shipped.
/// </summary>
public sealed class BulkheadSystem : TestSystem
{
    public InFlight AtAlliances { get; } = new();

    public BulkheadSystem()
    {
        WithSetting("Capacity:PerService:Concurrency", "3");
        WithSetting("Capacity:PerService:QueueLimit", "3");
        WithSetting("Capacity:PerService:QueueSeconds", "0.2");
        Configure("alliances", services => services.AddSingleton<IStartupFilter>(AtAlliances));
    }
}

/// <summary>
/// 分服务限流 / The gateway's share per service (issue 20 item 5): a crowd through the gateway reaches a service with
/// no more requests at once than the share allows, so the service neither queues them nor leaves connections waiting
/// to be accepted; the rest are answered at once, 503 with Retry-After and a ProblemDetails.
/// </summary>
public sealed class BulkheadTests(BulkheadSystem system) : IClassFixture<BulkheadSystem>
{
    [Fact]
    public async Task A_crowd_through_the_gateway_reaches_a_service_at_most_the_share_at_once_and_the_rest_get_503()
    {
        var clients = Enumerable.Range(0, 40).Select(i =>
        {
            var client = new HttpClient { BaseAddress = system.GatewayAddress, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new("Bearer",
                TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104", Subject: $"bulkhead-{i}-{Guid.NewGuid():N}")));
            return client;
        }).ToArray();
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = i % 2 == 0
                ? await clients[i % clients.Length].Post("/api/alliances/units", new { kind = "Library", name = $"分服务限流图书馆{i}", countyCode = "510104" })
                : await clients[i % clients.Length].GetAsync("/api/alliances/units/?county=510104");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.ToString(), Body: await response.Content.ReadAsStringAsync());
        }));
        foreach (var client in clients)
        {
            client.Dispose();
        }

        Assert.InRange(system.AtAlliances.Most, 1, 3);
        // Some of the crowd were served: registrations or list reads, whichever took the three places first (on a busy
        // machine three slow reads can hold them until every queued registration's 0.2 s is up: all 100 got 503 once).
        Assert.Contains(answers, a => a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
        var refused = answers.Where(a => (int)a.StatusCode is < 200 or >= 300).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode);
            Assert.Equal("1", a.RetryAfter);
            Assert.Equal("capacity", JsonDocument.Parse(a.Body).RootElement.GetProperty("code").GetString());
        });

        // The share is per service: another service is not held up by this one's crowd, and this one serves again.
        using var county = system.Client(Role.CountyAdmin, "510104");
        Assert.Equal(HttpStatusCode.OK, (await county.GetAsync("/api/activities/alliances/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await county.GetAsync("/api/alliances/units/?county=510104")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await county.Post("/api/alliances/units",
            new { kind = "Library", name = "分服务限流之后的图书馆", countyCode = "510104" })).StatusCode);
    }
}
