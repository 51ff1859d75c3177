using System.Collections.Concurrent;
using System.Text.Json;
using JasperFx.Events;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The integration-event publisher (the event store is the outbox) on the real PostgreSQL and RabbitMQ, in a bare
/// service of its own: its own database, virtual host, and one internal event type that leaves as a contract.
/// </summary>
public sealed class PublisherTests : IAsyncLifetime
{
    private IHost host = null!;
    private string amqp = null!;
    private readonly Hang hang = new();

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var name = $"publisher{Guid.NewGuid():N}"[..20];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:publisherdb"] = await servers.CreateDatabaseAsync(name);
        amqp = await servers.CreateVirtualHostAsync(name);
        builder.Configuration["ConnectionStrings:rabbitmq"] = amqp;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        // A short limit per attempt, so the tests do not wait the ten seconds of the default (a publish given up waits
        // four of them).
        builder.Configuration["Messaging:PublishAttemptTimeout"] = "00:00:01";
        // The page's own publish is what this measures: nothing is published at the commit (PublishOnCommitTests).
        builder.Configuration["Messaging:PublishOnCommit"] = "false";
        builder.AddEventStore("publisherdb", options => options.Events.AddEventType<ProbeHappened>())
            .PublishIntegrationEvents(new ProbeMap());
        builder.AddMessaging("publisher");
        builder.Services.AddSingleton(TimeProvider.System);
        host = builder.Build();
        await host.StartAsync();
        host.Services.GetRequiredService<IBus>().ConnectPublishObserver(hang);
    }

    public async Task DisposeAsync()
    {
        hang.Release();
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>
    /// After RabbitMQ's kill -9, a publish could wait for a broker confirm that never came (its channel was gone, its
    /// confirm never failed), and the publisher with it: the page, and every event behind it, stayed in the store until
    /// the service restarted (issue 20). Here the first publish of a stream's first event waits the same way, for
    /// ever, deaf to its cancellation (as a publish waiting on a channel's failed topology setup is): the attempt is
    /// abandoned, the event published again, and both events of the stream arrive, in order, the first at least once.
    /// (That a publish still going is not cancelled when its attempt runs out, the next test shows.)
    /// </summary>
    [Fact]
    public async Task A_publish_whose_confirm_never_comes_is_abandoned_and_the_event_published_again()
    {
        var (channel, queue, connection) = await BindProbeQueueAsync();
        await using var _ = connection;
        var stream = Guid.NewGuid();
        hang.Stream = stream;
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream(stream, new ProbeHappened(stream, 1), new ProbeHappened(stream, 2));
            await session.SaveChangesAsync();
        }

        var received = await ReceiveUntilAsync(channel, queue, 2);

        Assert.True(hang.Held >= 1, "the first publish was not held");
        Assert.Equal([1, 2], received.Distinct());
        Assert.True(hang.Attempts[1] >= 2, $"step 1 was attempted {hang.Attempts[1]} time(s)");
        // Given up after its windows (the broker connected all along), it was cancelled: deaf to that, it stays held.
        Assert.True(hang.HeldWasCancelledAtRetry, "the publish given up was not cancelled");
    }

    /// <summary>
    /// A publish whose attempt ran out but that is still going (the broker slow to come back) is waited for by the next
    /// attempts, not sent again beside it: each such publish that later went out was a duplicate downstream (96-331 of
    /// 480 in fault runs). Here the first publish takes more than twice the attempt's limit, then goes out: one publish, one
    /// delivery: it was not cancelled when its attempt ran out (MassTransit sets up a new channel with the first
    /// publish's token, and a setup cancelled by one attempt's timeout could hold the channel's every later publish).
    /// </summary>
    [Fact]
    public async Task A_publish_still_going_when_its_attempt_runs_out_is_waited_for_not_sent_again()
    {
        var (channel, queue, connection) = await BindProbeQueueAsync();
        await using var _ = connection;
        var stream = Guid.NewGuid();
        hang.Stream = stream;
        hang.HoldFor = TimeSpan.FromSeconds(2.5);
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream(stream, new ProbeHappened(stream, 1), new ProbeHappened(stream, 2));
            await session.SaveChangesAsync();
        }

        var received = await ReceiveUntilAsync(channel, queue, 2);
        await Task.Delay(TimeSpan.FromSeconds(2));
        received.AddRange(await ReceiveUntilAsync(channel, queue, null));
        Assert.Equal(1, hang.Held);
        Assert.Equal(1, hang.Attempts[1]);
        Assert.Equal([1, 2], received);
    }

    private async Task<(IChannel Channel, string Queue, IConnection Connection)> BindProbeQueueAsync()
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqp) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = $"{typeof(ProbePublished).Namespace}:{nameof(ProbePublished)}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync($"probe-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        return (channel, queue, connection);
    }

    /// <summary>The steps received, until <paramref name="step"/> has come (60 s at most), or what is there now (null).</summary>
    private static async Task<List<int>> ReceiveUntilAsync(IChannel channel, string queue, int? step)
    {
        var received = new List<int>();
        async Task Drain()
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                received.Add(JsonDocument.Parse(message.Body).RootElement.GetProperty("message").GetProperty("step").GetInt32());
            }
        }
        if (step is { } wanted)
        {
            await Eventually.Until(async () => { await Drain(); return received; }, r => r.Contains(wanted), TimeSpan.FromSeconds(60));
        }
        else
        {
            await Drain();
        }
        return received;
    }

    /// <summary>
    /// Holds the first publish of the probe stream's first event inside the transport until the test ends, whatever its
    /// cancellation says: what a publish awaiting a confirm or a setup that never comes looks like to the publisher.
    /// Counts the attempts per step, and notes whether the held publish's token was cancelled when the next attempt came.
    /// </summary>
    private sealed class Hang : IPublishObserver
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationToken held;
        public Guid Stream { get; set; }
        /// <summary>When set, the held publish goes on after this long instead of waiting for the test's end.</summary>
        public TimeSpan? HoldFor { get; set; }
        public int Held;
        public bool HeldWasCancelledAtRetry;
        public ConcurrentDictionary<int, int> Attempts { get; } = new();

        public void Release() => released.TrySetResult();

        public async Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is not ProbePublished probe || probe.ProbeId != Stream)
            {
                return;
            }
            var attempt = Attempts.AddOrUpdate(probe.Step, 1, (_, n) => n + 1);
            if (attempt == 1 && probe.Step == 1)
            {
                held = context.CancellationToken;
                Interlocked.Increment(ref Held);
                await (HoldFor is { } hold ? Task.Delay(hold, CancellationToken.None) : released.Task);
            }
            else if (attempt == 2 && probe.Step == 1)
            {
                HeldWasCancelledAtRetry = held.IsCancellationRequested;
            }
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

/// <summary>The probe service's internal event.</summary>
public sealed record ProbeHappened(Guid ProbeId, int Step);

/// <summary>The probe service's map: its one event leaves as <see cref="ProbePublished"/>.</summary>
internal sealed class ProbeMap : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(ProbeHappened)];

    public object? ToIntegrationEvent(IEvent @event) =>
        @event.Data is ProbeHappened probe ? new ProbePublished(probe.ProbeId, probe.Step) : null;
}

/// <summary>The contract it leaves as.</summary>
public sealed record ProbePublished(Guid ProbeId, int Step);
