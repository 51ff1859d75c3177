using JiaoLianTi.Platform.Messaging;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JiaoLianTi.Platform.Observability;

/// <summary>
/// Every <c>Operations:SampleInterval</c> (default 10 s) reads how far each async projection and subscription (the
/// integration-event publisher among them) is behind the store's newest event (Marten's <c>mt_event_progression</c>
/// against <c>mt_events</c>), and how many messages wait in the service's queue and its <c>_error</c> queue (a passive
/// declare). The gauges (<see cref="OpsMetrics"/>) and the health check (<see cref="EventFlowHealthCheck"/>) read the
/// last sample, never the database or the broker themselves.
/// </summary>
public sealed class EventFlowSampler(
    IServiceProvider services, IConfiguration configuration, EventFlowSampler.Holder holder, ServiceQueues queues, TimeProvider clock,
    ILogger<EventFlowSampler> logger) : BackgroundService
{
    /// <summary>One projection or subscription: its shard name, how many events and how long it is behind.</summary>
    public sealed record Shard(string Name, string Kind, long Position, long Behind, double LagSeconds);

    public sealed record QueueDepth(string Queue, string Kind, long Messages);

    public sealed record Sample(
        DateTimeOffset At, long HighWater, IReadOnlyList<Shard> Shards, IReadOnlyList<QueueDepth> Queues, string? Error)
    {
        public static readonly Sample None = new(DateTimeOffset.MinValue, 0, [], [], null);
    }

    /// <summary>The latest sample, shared by the gauges, the health check and the operations API.</summary>
    public sealed class Holder
    {
        private volatile Sample current = Sample.None;

        public Sample Current => current;

        internal void Set(Sample sample) => current = sample;
    }

    private IConnection? broker;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Operations:SampleInterval", TimeSpan.FromSeconds(10));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                holder.Set(await SampleAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sampling the event flow failed");
                holder.Set(holder.Current with { Error = $"{e.GetType().Name}: {e.Message}" });
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public string Service => queues.Service;

    /// <summary>The projections and subscriptions now, without the broker (for the operations API).</summary>
    public async Task<Sample> SampleShardsAsync(CancellationToken ct)
    {
        var (highWater, shards) = await ShardsAsync(ct);
        return new Sample(clock.GetUtcNow(), highWater, shards, [], null);
    }

    public async Task<Sample> SampleAsync(CancellationToken ct)
    {
        var (highWater, shards) = await ShardsAsync(ct);
        return new Sample(clock.GetUtcNow(), highWater, shards, await QueuesAsync(ct), null);
    }

    private async Task<(long, IReadOnlyList<Shard>)> ShardsAsync(CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = await OpenAsync(store, ct);
        await using var command = connection.CreateCommand();
        // Every registered shard, with or without a row: Marten writes a shard's row at its first progress, so a
        // publisher held back since the service first started (its gate never opened) would have none, and would
        // not show as behind at all.
        command.CommandText = $"""
            select coalesce(max(seq_id), 0) from {schema}.mt_events;
            select n.name, coalesce(p.last_seq_id, 0),
                   (select e.timestamp from {schema}.mt_events e where e.seq_id > coalesce(p.last_seq_id, 0) order by e.seq_id limit 1)
              from (select name from {schema}.mt_event_progression where name not like 'HighWater%' union select unnest(@registered)) n
              left join {schema}.mt_event_progression p on p.name = n.name
             order by n.name;
            """;
        command.Parameters.AddWithValue("registered", ((StoreOptions)store.Options).Projections.AllShards()
            .Select(s => s.Name.Identity).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var highWater = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var now = clock.GetUtcNow();
        var shards = new List<Shard>();
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(0);
            var position = reader.GetInt64(1);
            var oldest = reader.IsDBNull(2) ? (DateTimeOffset?)null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc));
            var behind = Math.Max(0, highWater - position);
            var lag = behind == 0 || oldest is null ? 0 : Math.Max(0, (now - oldest.Value).TotalSeconds);
            var projection = name.Split(':')[0];
            // The publisher is a subscription (it leaves nothing in the store); everything else a projection.
            shards.Add(new Shard(name, projection == IntegrationEventPublisher.SubscriptionId ? "subscription" : "projection",
                position, behind, lag));
        }
        return (highWater, shards);
    }

    private static async Task<NpgsqlConnection> OpenAsync(IDocumentStore store, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    private async Task<IReadOnlyList<QueueDepth>> QueuesAsync(CancellationToken ct)
    {
        if (services.GetService<BrokerAddress>() is not { } address)
        {
            return [];
        }
        var depths = new List<QueueDepth>();
        try
        {
            broker ??= await ErrorQueues.ConnectAsync(address, "jlt-ops-sampler", ct);
            foreach (var (queue, kind) in queues.All)
            {
                await using var channel = await broker.CreateChannelAsync(cancellationToken: ct);
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue, ct);
                    depths.Add(new QueueDepth(queue, kind, declared.MessageCount));
                }
                catch (OperationInterruptedException)
                {
                    // Not declared (yet): an error queue exists only after the first fault.
                    depths.Add(new QueueDepth(queue, kind, 0));
                }
            }
        }
        catch (Exception e) when (e is BrokerUnreachableException or AlreadyClosedException or IOException)
        {
            broker?.Dispose();
            broker = null;
            throw;
        }
        return depths;
    }

    public override void Dispose()
    {
        broker?.Dispose();
        base.Dispose();
    }
}

/// <summary>The queues this service consumes from, and their <c>_error</c> queues.</summary>
public sealed record ServiceQueues(string Service, IReadOnlyList<string> Queues)
{
    public IEnumerable<(string Queue, string Kind)> All =>
        Queues.SelectMany(q => new[] { (q, "ready"), (ErrorQueues.ErrorQueueOf(q), "error") });
}
