using System.Collections.Concurrent;
using JasperFx.Events;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// How the integration-event publisher pages, on the real PostgreSQL and RabbitMQ, in a bare service of its own.
/// </summary>
public sealed class PublisherPagingTests : IAsyncLifetime
{
    private IHost host = null!;
    private string database = null!;
    private readonly GatedMap map = new();

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var name = $"paging{Guid.NewGuid():N}"[..20];
        var builder = Host.CreateApplicationBuilder();
        database = await servers.CreateDatabaseAsync(name);
        builder.Configuration["ConnectionStrings:pagingdb"] = database;
        builder.Configuration["ConnectionStrings:rabbitmq"] = await servers.CreateVirtualHostAsync(name);
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        // The page's own publish is what this measures: nothing is published at the commit (PublishOnCommitTests).
        builder.Configuration["Messaging:PublishOnCommit"] = "false";
        builder.AddEventStore("pagingdb", options => options.Events.AddEventType<ProbeHappened>())
            .PublishIntegrationEvents(map);
        builder.AddMessaging("paging");
        builder.Services.AddSingleton(TimeProvider.System);
        host = builder.Build();
        await host.StartAsync();
        host.Services.GetRequiredService<IBus>().ConnectPublishObserver(map);
    }

    public async Task DisposeAsync()
    {
        map.Release();
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>
    /// Under load the daemon's high-water mark moves every few milliseconds. Marten's subscription loaded a new page at
    /// each move while the one before was still being published (as long as fewer than two batches were in flight),
    /// and published those pages one after another: pages of a few events, each waiting for its broker confirms and
    /// its checkpoint, queued up to 1,000 sequence numbers deep (issue 20: CampusSafety's publisher 8.9 s behind at 80
    /// events/s, pages of 5 events). While a page is being published, what is committed meanwhile now waits in the
    /// store and goes out as the next page, all of it together.
    /// </summary>
    [Fact]
    public async Task What_is_committed_while_a_page_is_published_goes_out_together_as_the_next_page()
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var first = Guid.NewGuid();
        map.Hold = first;
        await Append(store, first);
        await Eventually.Until(() => Task.FromResult(map.Holding), holding => holding, TimeSpan.FromSeconds(60));
        Assert.True(map.Holding, "the first page was not taken up by the publisher");

        // Ten commits, each seen by the high-water mark on its own while the first page is still being published.
        var later = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            var stream = Guid.NewGuid();
            later.Add(stream);
            var sequence = await Append(store, stream);
            var mark = await Eventually.Until(HighWaterMark, m => m >= sequence, TimeSpan.FromSeconds(60));
            Assert.True(mark >= sequence, $"the high-water mark stayed at {mark}, below {sequence}");
        }
        map.Release();

        var log = await Eventually.Until(() => Task.FromResult(map.Log.ToArray()),
            l => later.All(s => l.Contains($"publish {s}")), TimeSpan.FromSeconds(60));
        Assert.All(later, s => Assert.Contains($"publish {s}", log));
        // One page: every later event was mapped (the publisher maps a page before it publishes any of it) before the
        // first of them was published. A page each would alternate: map, publish, map, publish.
        var firstPublished = Array.FindIndex(log, entry => later.Any(s => entry == $"publish {s}"));
        var lastMapped = Array.FindLastIndex(log, entry => later.Any(s => entry == $"map {s}"));
        Assert.True(lastMapped < firstPublished, "the later events went out in several pages: " + string.Join(", ", log));
        Assert.Equal(later.Count, log.Count(entry => later.Any(s => entry == $"map {s}")));
    }

    /// <summary>Commits one event on a new stream; returns its sequence number.</summary>
    private async Task<long> Append(IDocumentStore store, Guid stream)
    {
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(stream, new ProbeHappened(stream, 1));
            await session.SaveChangesAsync();
        }
        return await Scalar("select seq_id from jlt.mt_events where stream_id = @stream", stream);
    }

    private Task<long> HighWaterMark() =>
        Scalar("select coalesce((select last_seq_id from jlt.mt_event_progression where name = 'HighWaterMark'), 0)");

    private async Task<long> Scalar(string sql, Guid? stream = null)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (stream is { } id)
        {
            command.Parameters.AddWithValue("stream", id);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Maps the probe event to its contract and notes each mapping and each publish in one log, in order; the mapping of
    /// the held stream's event waits (its page with it) until released.
    /// </summary>
    private sealed class GatedMap : IIntegrationEventMap, IPublishObserver
    {
        private readonly ManualResetEventSlim released = new(false);
        public Guid Hold { get; set; }
        public volatile bool Holding;
        public ConcurrentQueue<string> Log { get; } = new();

        public object? ToIntegrationEvent(IEvent @event)
        {
            if (@event.Data is not ProbeHappened probe)
            {
                return null;
            }
            Log.Enqueue($"map {probe.ProbeId}");
            if (probe.ProbeId == Hold)
            {
                Holding = true;
                released.Wait(TimeSpan.FromMinutes(2));
            }
            return new ProbePublished(probe.ProbeId, probe.Step);
        }

        public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(ProbeHappened)];

        public void Release() => released.Set();

        public Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is ProbePublished probe)
            {
                Log.Enqueue($"publish {probe.ProbeId}");
            }
            return Task.CompletedTask;
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
