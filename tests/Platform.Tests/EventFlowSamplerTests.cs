using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.Observability;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The event-flow sampler (what the gauges, <c>/health</c> and the console's 运维 page read) on a fresh store, in a bare
/// service of its own whose publisher has been held back since it first started: its gate waits for a queue nobody
/// declares, so the publisher never moves and Marten never writes its row in <c>mt_event_progression</c>.
/// </summary>
public sealed class EventFlowSamplerTests : IAsyncLifetime
{
    private IHost host = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var name = $"sampled{Guid.NewGuid():N}"[..20];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:sampleddb"] = await servers.CreateDatabaseAsync(name);
        builder.Configuration["ConnectionStrings:rabbitmq"] = await servers.CreateVirtualHostAsync(name);
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration["Messaging:AwaitQueues"] = $"never-declared-{Guid.NewGuid():N}";
        builder.AddEventStore("sampleddb", options => options.Events.AddEventType<ProbeHappened>())
            .PublishIntegrationEvents(new ProbeMap());
        builder.AddMessaging("sampled");
        builder.Services.AddSingleton(TimeProvider.System);
        host = builder.Build();
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    [Fact]
    public async Task A_publisher_held_back_since_the_first_start_shows_as_behind_though_it_has_no_progress_row()
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var sampler = host.Services.GetRequiredService<EventFlowSampler>();
        var shard = $"{IntegrationEventPublisher.SubscriptionId}:All";

        // Nothing appended yet: registered, not behind.
        var empty = Assert.Single((await sampler.SampleShardsAsync(CancellationToken.None)).Shards, s => s.Name == shard);
        Assert.Equal((0, 0.0), (empty.Behind, empty.LagSeconds));

        await using (var session = store.LightweightSession())
        {
            var probe = Guid.NewGuid();
            session.Events.StartStream(probe, new ProbeHappened(probe, 1), new ProbeHappened(probe, 2));
            await session.SaveChangesAsync();
        }
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.DoesNotContain(await store.Advanced.AllProjectionProgress(), p => p.ShardName == shard);
        var sample = await sampler.SampleShardsAsync(CancellationToken.None);
        var publisher = Assert.Single(sample.Shards, s => s.Name == shard);
        Assert.Equal("subscription", publisher.Kind);
        Assert.Equal(0, publisher.Position);
        Assert.Equal(2, sample.HighWater);
        Assert.Equal(2, publisher.Behind);
        Assert.True(publisher.LagSeconds >= 0.2, $"lag {publisher.LagSeconds} s: counted from the first event's time");
    }
}
