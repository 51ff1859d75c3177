using System.Collections.Concurrent;
using JasperFx.Events;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// Integration events published at their commit (PublishOnCommit), the publisher's page behind them as the guarantee,
/// on the real PostgreSQL and RabbitMQ, in a bare service of its own.
/// </summary>
public sealed class PublishOnCommitTests : IAsyncLifetime
{
    private IHost host = null!;
    private readonly ProbeLog log = new();

    private string database = null!;
    private string broker = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var name = $"oncommit{Guid.NewGuid():N}"[..20];
        database = await servers.CreateDatabaseAsync(name);
        broker = await servers.CreateVirtualHostAsync(name);
        host = await StartHost(log);
        // Claims are made only while the daemon runs in this process: wait until it has looked at the store here.
        var wakeup = host.Services.GetRequiredService<AppendWakeup>();
        Assert.True(await Eventually.Until(() => Task.FromResult(wakeup.DaemonWaitsHere), here => here, TimeSpan.FromSeconds(60)),
            "the daemon never waited in this process");
    }

    /// <summary>A replica of the probe service on the shared database and virtual host.</summary>
    private async Task<IHost> StartHost(ProbeLog probes)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:oncommitdb"] = database;
        builder.Configuration["ConnectionStrings:rabbitmq"] = broker;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration[PublishOnCommit.EnabledKey] = "true";
        builder.AddEventStore("oncommitdb", options => options.Events.AddEventType<ProbeHappened>())
            .PublishIntegrationEvents(probes);
        builder.AddMessaging("oncommit");
        builder.Services.AddSingleton(TimeProvider.System);
        var started = builder.Build();
        await started.StartAsync();
        started.Services.GetRequiredService<IBus>().ConnectPublishObserver(probes);
        return started;
    }

    public async Task DisposeAsync()
    {
        log.ReleaseAll();
        await host.StopAsync();
        host.Dispose();
    }

    private IDocumentStore Store => host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>
    /// Another replica (the daemon is not in it) commits an event: that one goes by the publisher's page, and its
    /// publish is held there. An event committed here meanwhile goes out at once, not behind that page. Each is published
    /// exactly once, and no claim is left over.
    /// </summary>
    [Fact]
    public async Task An_event_goes_out_at_its_commit_while_the_page_before_it_is_still_being_published()
    {
        var held = Guid.NewGuid();
        log.Hold(held, 1);
        using (var replica = await StartHost(new ProbeLog()))
        {
            Assert.False(replica.Services.GetRequiredService<AppendWakeup>().DaemonWaitsHere);
            await Start(replica.Services.GetRequiredService<IDocumentStore>(), held);
            await replica.StopAsync();
        }
        Assert.True(await log.WaitHeld(held, 1), "the page did not take up the replica's event");

        var next = Guid.NewGuid();
        await Start(next);
        var sent = await Eventually.Until(() => Task.FromResult(log.Published(next, 1)), n => n >= 1, TimeSpan.FromSeconds(30));
        Assert.Equal(1, sent);
        Assert.Equal(0, log.Published(held, 1));

        log.Release(held, 1);
        Assert.Equal(1, await Eventually.Until(() => Task.FromResult(log.Published(held, 1)), n => n >= 1, TimeSpan.FromSeconds(30)));
        var onCommit = host.Services.GetRequiredService<PublishOnCommit>();
        Assert.Equal(0, await Eventually.Until(() => Task.FromResult(onCommit.Pending), n => n == 0, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, log.Published(next, 1));
        Assert.Equal(1, log.Published(held, 1));
        Assert.Equal(1, onCommit.Sent);
    }

    /// <summary>
    /// A stream's second event, committed while its first is still being published at its commit, waits for that publish:
    /// the consumers see a stream's facts in the order they happened. Each is published once.
    /// </summary>
    [Fact]
    public async Task A_streams_next_event_waits_for_the_publish_of_the_one_before()
    {
        var stream = Guid.NewGuid();
        log.Hold(stream, 1);
        await Start(stream);
        Assert.True(await log.WaitHeld(stream, 1), "the first event's publish was not taken up");
        await Append(stream, 2);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, log.Published(stream, 2));

        log.Release(stream, 1);
        await Eventually.Until(() => Task.FromResult(log.Published(stream, 2)), n => n >= 1, TimeSpan.FromSeconds(30));
        Assert.Equal(["1", "2"], log.Order(stream));
    }

    /// <summary>
    /// The publish at the commit fails (here: its first attempt is refused before it leaves). The publisher's page publishes
    /// the event itself, and the stream's next event, claimed behind the failed one, after it: both once, in order.
    /// </summary>
    [Fact]
    public async Task An_event_whose_publish_at_the_commit_failed_is_published_by_the_page_in_order()
    {
        var stream = Guid.NewGuid();
        log.Hold(stream, 1);
        log.FailOnce(stream, 1);
        await Start(stream);
        Assert.True(await log.WaitHeld(stream, 1), "the first event's publish was not taken up");
        await Append(stream, 2);
        log.Release(stream, 1);

        await Eventually.Until(() => Task.FromResult(log.Published(stream, 2)), n => n >= 1, TimeSpan.FromSeconds(60));
        Assert.Equal(["1", "2"], log.Order(stream));
        Assert.True(log.Attempts(stream, 1) >= 2, $"the failed event was attempted {log.Attempts(stream, 1)} time(s)");
    }

    /// <summary>
    /// Many streams at once, a few events each, several commits per stream: every event is published exactly once and
    /// each stream's in order, whichever way it went out.
    /// </summary>
    [Fact]
    public async Task Two_hundred_streams_of_five_events_each_arrive_once_and_in_order()
    {
        var streams = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (stream, _) =>
        {
            await Start(stream);
            for (var step = 2; step <= 5; step++)
            {
                await Append(stream, step);
            }
        });
        await Eventually.Until(() => Task.FromResult(streams.All(s => log.Published(s, 5) >= 1)), all => all, TimeSpan.FromSeconds(120));
        foreach (var stream in streams)
        {
            Assert.Equal(["1", "2", "3", "4", "5"], log.Order(stream));
        }
        Assert.True(host.Services.GetRequiredService<PublishOnCommit>().Sent > 0, "nothing was published at its commit");
    }

    /// <summary>
    /// A commit's publish does not wait for an earlier batch still waiting for its broker (held here in the mapping, as a
    /// slow confirm would hold it): with one batch at a time, every commit behind it waited as long.
    /// </summary>
    [Fact]
    public async Task A_commit_goes_out_while_an_earlier_batch_still_waits()
    {
        var slow = Guid.NewGuid();
        var quick = Guid.NewGuid();
        log.Hold(slow, 1);
        await Start(slow);
        Assert.True(await log.WaitHeld(slow, 1), "the first publish was never held");

        await Start(quick);
        Assert.True(await Eventually.Until(() => Task.FromResult(log.Published(quick, 1)), n => n >= 1, TimeSpan.FromSeconds(30)) >= 1,
            "the second commit waited behind the first batch");
        Assert.Equal(0, log.Published(slow, 1));

        log.Release(slow, 1);
        await Eventually.Until(() => Task.FromResult(log.Published(slow, 1)), n => n >= 1, TimeSpan.FromSeconds(60));
        Assert.Equal(1, log.Published(slow, 1));
        Assert.Equal(1, log.Published(quick, 1));
        Assert.True(await Eventually.Until(() => Task.FromResult(host.Services.GetRequiredService<PublishOnCommit>().Pending), n => n == 0,
            TimeSpan.FromSeconds(60)) == 0, "a claim was left over");
    }

    private Task Start(Guid stream) => Start(Store, stream);

    private static async Task Start(IDocumentStore store, Guid stream)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(stream, new ProbeHappened(stream, 1));
        await session.SaveChangesAsync();
    }

    private async Task Append(Guid stream, int step)
    {
        await using var session = Store.LightweightSession();
        session.Events.Append(stream, step, new ProbeHappened(stream, step));
        await session.SaveChangesAsync();
    }

    /// <summary>
    /// Maps the probe to its contract, holding chosen ones, refuses a chosen publish once, and logs each publish per
    /// stream in order.
    /// </summary>
    private sealed class ProbeLog : IIntegrationEventMap, IPublishObserver
    {
        private readonly ConcurrentDictionary<(Guid, int), ManualResetEventSlim> holds = new();
        private readonly ConcurrentDictionary<(Guid, int), int> held = new();
        private readonly ConcurrentDictionary<(Guid, int), int> failing = new();
        private readonly ConcurrentDictionary<(Guid, int), int> attempts = new();
        private readonly ConcurrentDictionary<Guid, ConcurrentQueue<int>> published = new();

        public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(ProbeHappened)];

        public void Hold(Guid stream, int step) => holds[(stream, step)] = new ManualResetEventSlim(false);

        public void FailOnce(Guid stream, int step) => failing[(stream, step)] = 1;

        public void Release(Guid stream, int step) => holds[(stream, step)].Set();

        public void ReleaseAll()
        {
            foreach (var hold in holds.Values)
            {
                hold.Set();
            }
        }

        public async Task<bool> WaitHeld(Guid stream, int step) =>
            await Eventually.Until(() => Task.FromResult(held.GetValueOrDefault((stream, step))), n => n > 0, TimeSpan.FromSeconds(60)) > 0;

        public int Published(Guid stream, int step) => published.TryGetValue(stream, out var steps) ? steps.Count(s => s == step) : 0;

        public int Attempts(Guid stream, int step) => attempts.GetValueOrDefault((stream, step));

        public string[] Order(Guid stream) => [.. published.GetValueOrDefault(stream, new()).Select(s => s.ToString())];

        public object? ToIntegrationEvent(IEvent @event)
        {
            if (@event.Data is not ProbeHappened probe)
            {
                return null;
            }
            var key = (probe.ProbeId, probe.Step);
            if (holds.TryGetValue(key, out var hold) && !hold.IsSet)
            {
                held.AddOrUpdate(key, 1, (_, n) => n + 1);
                hold.Wait(TimeSpan.FromMinutes(2));
            }
            return new ProbePublished(probe.ProbeId, probe.Step);
        }

        public Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is ProbePublished probe)
            {
                var key = (probe.ProbeId, probe.Step);
                attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
                if (failing.TryRemove(key, out _))
                {
                    throw new InvalidOperationException("the probe's first publish is refused");
                }
            }
            return Task.CompletedTask;
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is ProbePublished probe)
            {
                published.GetOrAdd(probe.ProbeId, _ => new()).Enqueue(probe.Step);
            }
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
