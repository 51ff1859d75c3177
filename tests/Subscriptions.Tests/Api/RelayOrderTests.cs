using System.Collections.Concurrent;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Subscriptions.Relay;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// 每条流内有序: the relay takes many messages at once, partitioned by the stream they come from
/// (docs/subscriptions.md, "Order per stream"). Many streams' events interleaved, as the owners' publishers send them
/// (the streams side by side, each stream's events one after another, each confirmed, with the stream headers), reach
/// an AMQP subscriber and a webhook each once and, per stream, in order; so do events without the stream header (an
/// older publisher's), which share one partition; and so they do with two replicas (single active consumer) when the
/// active one stops between events and the other takes the queue over, and when a queue of the earlier layout still
/// holds events at start.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RelayOrderTests(SubscriptionsSystem system, ITestOutputHelper output)
{
    private const int Keyed = 50;
    private const int Unkeyed = 5;

    [Fact]
    public async Task Fifty_streams_interleaved_reach_a_queue_and_a_webhook_each_event_once_in_stream_order()
    {
        var county = Subscribers.NewCounty();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (queue, credentials) = await Subscribe(county, receiver.Url);
        var streams = Streams();

        // Round by round: every stream's next event at once, each round after the one before was confirmed.
        var published = new List<Event>();
        for (var version = 1; version <= 10; version++)
        {
            published.AddRange(await Round(streams, county, version));
        }

        var queued = await ReadQueue(credentials, queue, published.Count);
        var hooks = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= published.Count, TimeSpan.FromSeconds(180));
        output.WriteLine($"{published.Count} events of {streams.Count} streams; queue: {queued.Count} messages, webhook: {hooks.Count} POSTs");

        AssertOncePerEventInStreamOrder(published, queued, exactlyOnce: true);
        AssertOncePerEventInStreamOrder(published, hooks.Select(h => Received.From(h.Body)).ToList(), exactlyOnce: true);

        // Relayed in groups (issue 20): the events waiting at the same moment shared one transaction, read from
        // PostgreSQL itself (rows committed together carry the same xmin; the ids are never written again).
        var transactions = await Transactions(published.Select(e => e.Id));
        output.WriteLine($"the relay committed {published.Count} events in {transactions.Count} transactions, at most {transactions.Values.Max()} in one");
        Assert.Equal(published.Count, transactions.Values.Sum());
        Assert.True(transactions.Count < published.Count / 2, $"{transactions.Count} transactions for {published.Count} events");
    }

    /// <summary>How many of these events' ids each transaction of the subscriptions database stored (by xmin).</summary>
    private async Task<Dictionary<string, int>> Transactions(IEnumerable<Guid> ids)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.Setting("ConnectionStrings:subscriptionsdb"));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select xmin::text, count(*)::int from jlt.mt_doc_processedmessage where id = any(@ids) group by 1", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetInt32(1);
        }
        return rows;
    }

    [Fact]
    public async Task Events_relayed_before_that_come_again_among_new_ones_are_skipped_and_the_new_ones_relayed_in_groups()
    {
        // A redelivery (a publish retried after a lost confirm, a broker restart) arriving with new events: the group's
        // hand-over read finds it relayed before, it is published to no department again and its id is not stored
        // again (which would fail the group and send every event in it one by one), and the others commit together.
        var county = Subscribers.NewCounty();
        var (queue, credentials) = await Subscribe(county, webhook: null);
        using var sizes = new GroupCommitSizes(SubscriptionsService.Name);
        var relayed = Streams();
        var first = await Round(relayed, county, 1);
        Assert.Equal(first.Count, (await ReadQueue(credentials, queue, first.Count)).Count);

        var fresh = Streams().Select(s => (Stream: s, Event: new Event(NewId.NextGuid(), s.Alliance, 1))).ToList();
        var again = relayed.Zip(first, (stream, e) => (Stream: stream, Event: e)).ToList();
        await Publish([.. again.Concat(fresh).OrderBy(_ => Random.Shared.Next())], county);
        // Then each relayed stream's next event: it is relayed after its stream's repeat (one stream, one after another),
        // so once these are on the queue every repeat has been dealt with.
        var next = await Round(relayed, county, 2);

        var expected = fresh.Select(f => f.Event).Concat(next).ToList();
        var queued = await ReadQueue(credentials, queue, expected.Count);
        output.WriteLine($"{again.Count} repeats, {fresh.Count} new events, {next.Count} after: {queued.Count} messages on the queue");
        Assert.Equal(expected.Select(e => e.Id).Order(), queued.Select(r => r.Id).Order());
        var transactions = await Transactions(fresh.Select(f => f.Event.Id));
        output.WriteLine($"the {fresh.Count} new events were committed in {transactions.Count} transactions; groups split: {sizes.Split.Count}");
        Assert.True(transactions.Count < fresh.Count, $"{transactions.Count} transactions for {fresh.Count} events: none was grouped");
        // No group failed on a repeat's id (a failed group is recorded as split, and its events sent one by one).
        Assert.Empty(sizes.Split);
    }

    [Fact]
    public async Task The_relay_queue_has_one_active_consumer_and_order_holds_when_it_passes_to_another_replica()
    {
        // Declared with x-single-active-consumer: declaring it without the argument is refused (406), with it accepted.
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")), AutomaticRecoveryEnabled = false };
        await using (var connection = await factory.CreateConnectionAsync())
        {
            await using (var same = await connection.CreateChannelAsync())
            {
                await same.QueueDeclareAsync(RelayQueue.Name, durable: true, exclusive: false, autoDelete: false,
                    new Dictionary<string, object?> { ["x-single-active-consumer"] = true });
            }
            await using var other = await connection.CreateChannelAsync();
            var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
                other.QueueDeclareAsync(RelayQueue.Name, durable: true, exclusive: false, autoDelete: false));
            Assert.Equal((ushort?)406, refused.ShutdownReason?.ReplyCode);
        }

        var county = Subscribers.NewCounty();
        var (queue, credentials) = await Subscribe(county, webhook: null);
        var streams = Streams();
        var second = TestSystem.ReplicaName("subscriptions", 1);
        system.StartService(second);
        var published = new List<Event>();
        try
        {
            // Two replicas on the queue: one consumes, the other waits.
            for (var version = 1; version <= 5; version++)
            {
                published.AddRange(await Round(streams, county, version));
            }
            var before = await ReadQueue(credentials, queue, published.Count);
            // The active one stops between events; the other takes the queue over.
            await system.StopServiceAsync("subscriptions");
            for (var version = 6; version <= 10; version++)
            {
                published.AddRange(await Round(streams, county, version));
            }
            var queued = before.Concat(await ReadQueue(credentials, queue, published.Count - before.Select(r => r.Id).Distinct().Count())).ToList();
            output.WriteLine($"{published.Count} events, {queued.Count} messages on the queue across the hand-over");
            // A message relayed just before the stop but not yet acknowledged may come again: same id.
            AssertOncePerEventInStreamOrder(published, queued, exactlyOnce: false);
        }
        finally
        {
            if (!system.IsRunning("subscriptions", 0))
            {
                system.StartService("subscriptions");
            }
            await system.StopServiceAsync(second);
        }
    }

    [Fact]
    public async Task The_operations_side_watches_the_relay_queue_the_service_consumes()
    {
        // The queue gauges, the event-flow health and the error retry of Subscriptions look at subscriptions-relay and
        // its error queue (they looked at "subscriptions", which no longer exists, so the relay's backlog read 0).
        var services = system.Services("subscriptions");
        Assert.Equal([RelayQueue.Name], services.GetRequiredService<JiaoLianTi.Platform.Observability.ServiceQueues>().Queues);
        var holder = services.GetRequiredService<JiaoLianTi.Platform.Observability.EventFlowSampler.Holder>();
        var sampled = await Eventually.Until(() => Task.FromResult(holder.Current.Queues.Select(q => (q.Queue, q.Kind)).ToList()),
            queues => queues.Count > 0, TimeSpan.FromSeconds(60));
        Assert.Equal([(RelayQueue.Name, "ready"), ($"{RelayQueue.Name}_error", "error")], sampled);
    }

    [Fact]
    public async Task A_queue_of_the_earlier_layout_is_relayed_to_its_end_before_the_new_queue()
    {
        var county = Subscribers.NewCounty();
        var (queue, credentials) = await Subscribe(county, webhook: null);
        var streams = Streams();
        var published = new List<Event>();
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")), AutomaticRecoveryEnabled = false };
        await system.StopServiceAsync("subscriptions");
        try
        {
            // The earlier layout, as MassTransit declared it: the queue `subscriptions` behind its own fanout exchange,
            // which the message types' exchanges feed.
            await using (var connection = await factory.CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.ExchangeDeclareAsync(RelayQueue.Previous, ExchangeType.Fanout, durable: true);
                await channel.QueueDeclareAsync(RelayQueue.Previous, durable: true, exclusive: false, autoDelete: false);
                await channel.QueueBindAsync(RelayQueue.Previous, RelayQueue.Previous, "");
                foreach (var type in new[] { typeof(AllianceSuspended), typeof(AllianceReestablished) })
                {
                    await channel.ExchangeBindAsync(RelayQueue.Previous, $"{type.Namespace}:{type.Name}", "");
                }
            }
            // While the relay is away, both queues fill; an earlier version would have relayed these from `subscriptions`.
            for (var version = 1; version <= 5; version++)
            {
                published.AddRange(await Round(streams, county, version));
            }
            system.StartService("subscriptions");
            for (var version = 6; version <= 10; version++)
            {
                published.AddRange(await Round(streams, county, version));
            }
            var queued = await ReadQueue(credentials, queue, published.Count);
            AssertOncePerEventInStreamOrder(published, queued, exactlyOnce: true);

            // Drained and cut off: empty, and its exchange (what fed it) is gone.
            await using var after = await factory.CreateConnectionAsync();
            await using (var check = await after.CreateChannelAsync())
            {
                Assert.Equal(0u, (await check.QueueDeclarePassiveAsync(RelayQueue.Previous)).MessageCount);
            }
            await using var exchange = await after.CreateChannelAsync();
            var gone = await Assert.ThrowsAsync<OperationInterruptedException>(() => exchange.ExchangeDeclarePassiveAsync(RelayQueue.Previous));
            Assert.Equal((ushort?)404, gone.ShutdownReason?.ReplyCode);
        }
        finally
        {
            // Removed while no relay consumes it (the operator's step), so the next start does not find it.
            await system.StopServiceAsync("subscriptions");
            await using (var connection = await factory.CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.QueueDeleteAsync(RelayQueue.Previous);
            }
            system.StartService("subscriptions");
        }
    }

    private sealed record Stream(Guid Alliance, bool HasHeader);

    private sealed record Event(Guid Id, Guid Alliance, long Version);

    private sealed record Received(Guid Id, Guid Alliance, long Version)
    {
        public static Received From(ReadOnlySpan<byte> body)
        {
            var e = JsonDocument.Parse(body.ToArray()).RootElement;
            var data = e.GetProperty("data");
            return new Received(Guid.Parse(e.Str("id")), data.GetProperty("allianceId").GetGuid(), data.GetProperty("version").GetInt64());
        }
    }

    private static List<Stream> Streams() =>
        [.. Enumerable.Range(0, Keyed + Unkeyed).Select(i => new Stream(Guid.NewGuid(), HasHeader: i < Keyed))];

    /// <summary>Every stream's event of this version at once, as a publisher sends a page's streams side by side.</summary>
    private async Task<List<Event>> Round(IReadOnlyList<Stream> streams, string county, int version)
    {
        var events = streams.Select(s => (Stream: s, Event: new Event(NewId.NextGuid(), s.Alliance, version))).ToList();
        await Publish(events, county);
        return [.. events.Select(e => e.Event)];
    }

    /// <summary>Publishes the events at once, each with its id (and its stream's headers), and waits for the broker's confirms.</summary>
    private async Task Publish(IReadOnlyList<(Stream Stream, Event Event)> events, string county)
    {
        var bus = system.Services("alliances").GetRequiredService<IBus>();
        await Task.WhenAll(events.Select(async item =>
        {
            void Headers(PublishContext context)
            {
                context.MessageId = item.Event.Id;
                if (item.Stream.HasHeader)
                {
                    context.Headers.Set(IntegrationEventPublisher.StreamHeader, item.Stream.Alliance.ToString());
                    context.Headers.Set(IntegrationEventPublisher.StreamVersionHeader, item.Event.Version);
                }
            }
            var now = DateTimeOffset.UtcNow;
            var version = item.Event.Version;
            if (version % 2 == 1)
            {
                await bus.Publish(new AllianceSuspended(item.Stream.Alliance, county, "轮换 / rotation", now, version), (PublishContext<AllianceSuspended> c) => Headers(c));
            }
            else
            {
                await bus.Publish(new AllianceReestablished(item.Stream.Alliance, county, now, version), (PublishContext<AllianceReestablished> c) => Headers(c));
            }
        }));
    }

    private async Task<(string Queue, JsonElement Credentials)> Subscribe(string county, string? webhook)
    {
        using var bureau = system.Admin(county);
        using var officer = system.Officer(Department.CivilAffairs, county);
        string[] types = ["AllianceSuspended", "AllianceReestablished"];
        var amqp = (await officer.Request(new { name = "民政（教联体状态）", eventTypes = types, region = county, delivery = "Amqp" })).Id();
        await officer.Provisioned(amqp, (await bureau.Approve(amqp, null)).GetProperty("version").GetInt64());
        if (webhook is not null)
        {
            var hook = (await officer.Request(new { name = "民政（教联体状态）", eventTypes = types, region = county, delivery = "Webhook", webhookUrl = webhook })).Id();
            Assert.Equal("Active", (await bureau.Approve(hook, null)).Str("status"));
        }
        var credentials = await officer.Credentials(amqp);
        return (credentials.Str("queue"), credentials);
    }

    /// <summary>Reads the subscriber's queue until it has <paramref name="count"/> distinct events (or 180 s passed).</summary>
    private static async Task<List<Received>> ReadQueue(JsonElement credentials, string queue, int count)
    {
        await using var connection = await Subscribers.Connect(credentials);
        await using var channel = await connection.CreateChannelAsync();
        var received = new List<Received>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (received.Select(r => r.Id).Distinct().Count() < count && DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var e = Received.From(message.Body.Span);
                Assert.Equal(message.BasicProperties.MessageId, e.Id.ToString());
                received.Add(e);
            }
            else
            {
                await Task.Delay(50);
            }
        }
        // Anything after the last expected one (a repeat) is read too.
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } more)
        {
            received.Add(Received.From(more.Body.Span));
        }
        return received;
    }

    private static void AssertOncePerEventInStreamOrder(IReadOnlyList<Event> published, IReadOnlyList<Received> received, bool exactlyOnce)
    {
        // Every event, with its own id, and nothing else.
        Assert.Equal(published.Select(e => e.Id).Order(), received.Select(r => r.Id).Distinct().Order());
        Assert.All(received, r => Assert.Contains(published, e => e.Id == r.Id && e.Alliance == r.Alliance && e.Version == r.Version));
        if (exactlyOnce)
        {
            Assert.Equal(published.Count, received.Count);
        }
        // Each stream's versions strictly increasing (leaving out repeats of what came already).
        foreach (var stream in received.DistinctBy(r => r.Id).GroupBy(r => r.Alliance))
        {
            var versions = stream.Select(r => r.Version).ToList();
            Assert.True(versions.SequenceEqual(versions.Order()) && versions.Distinct().Count() == versions.Count,
                $"stream {stream.Key}: {string.Join(" ", versions)}");
        }
    }
}
