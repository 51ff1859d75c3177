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
        // A short limit per attempt, so the test does not wait the ten seconds of the default.
        builder.Configuration["Messaging:PublishAttemptTimeout"] = "00:00:02";
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
    /// The abandoned publish was not cancelled inside the transport when its attempt ran out: MassTransit sets up a new
    /// channel with the first publish's token, and a setup cancelled by one attempt's timeout could hold the channel's
    /// every later publish.
    /// </summary>
    [Fact]
    public async Task A_publish_whose_confirm_never_comes_is_abandoned_and_the_event_published_again()
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(amqp) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = $"{typeof(ProbePublished).Namespace}:{nameof(ProbePublished)}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync($"probe-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");

        var stream = Guid.NewGuid();
        hang.Stream = stream;
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream(stream, new ProbeHappened(stream, 1), new ProbeHappened(stream, 2));
            await session.SaveChangesAsync();
        }

        var received = new List<int>();
        await Eventually.Until(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                received.Add(JsonDocument.Parse(message.Body).RootElement.GetProperty("message").GetProperty("step").GetInt32());
            }
            return received;
        }, r => r.Contains(2), TimeSpan.FromSeconds(60));

        Assert.True(hang.Held >= 1, "the first publish was not held");
        Assert.Equal([1, 2], received.Distinct());
        Assert.True(hang.Attempts[1] >= 2, $"step 1 was attempted {hang.Attempts[1]} time(s)");
        Assert.False(hang.HeldWasCancelledAtRetry, "the abandoned publish was cancelled inside the transport");
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
                await released.Task;
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
