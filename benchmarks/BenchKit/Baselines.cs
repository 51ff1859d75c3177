using System.Diagnostics;
using Npgsql;
using RabbitMQ.Client;

namespace JiaoLianTi.BenchKit;

/// <summary>
/// The machine's own baselines, measured in the same session as the benchmark beside them (these machines are shared
/// and noisy: a figure means something only as a ratio to what the raw servers do at that moment).
/// </summary>
public static class Baselines
{
    /// <summary>Raw PostgreSQL: one-row durable inserts per second from <paramref name="clients"/> connections.</summary>
    public static async Task<double> PostgresInsertsPerSecond(string connectionString, int clients = 16, double seconds = 5)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", MaxPoolSize = clients + 4 };
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
        var table = "baseline_" + Guid.NewGuid().ToString("N")[..8];
        await using (var create = source.CreateCommand($"create table {table} (id bigserial primary key, body jsonb not null)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        long count = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            await using var connection = await source.OpenConnectionAsync();
            await using var insert = new NpgsqlCommand($"insert into {table} (body) values ('{{\"a\":1}}'::jsonb)", connection);
            while (Stopwatch.GetTimestamp() < until)
            {
                await insert.ExecuteNonQueryAsync();
                Interlocked.Increment(ref count);
            }
        }));
        var rate = count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await using (var drop = source.CreateCommand($"drop table {table}"))
        {
            await drop.ExecuteNonQueryAsync();
        }
        return rate;
    }

    /// <summary>Raw RabbitMQ: persistent publishes with publisher confirms per second to a durable classic queue.</summary>
    public static async Task<double> RabbitPublishesPerSecond(string amqpUri, int publishers = 4, double seconds = 5)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        var queue = "baseline-" + Guid.NewGuid().ToString("N")[..8];
        await using (var setup = await connection.CreateChannelAsync())
        {
            await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        }
        var body = new byte[256];
        long count = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(async _ =>
        {
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            var properties = new BasicProperties { Persistent = true };
            while (Stopwatch.GetTimestamp() < until)
            {
                // Sixteen in flight per publisher, then wait for their confirms, as MassTransit does under load.
                var batch = Enumerable.Range(0, 16)
                    .Select(_ => channel.BasicPublishAsync("", queue, mandatory: false, properties, body).AsTask()).ToArray();
                await Task.WhenAll(batch);
                Interlocked.Add(ref count, batch.Length);
            }
        }));
        var rate = count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await using (var teardown = await connection.CreateChannelAsync())
        {
            await teardown.QueueDeleteAsync(queue);
        }
        return rate;
    }

    /// <summary>Measures both and prints them, in the form every benchmark report uses.</summary>
    public static async Task<(double Postgres, double Rabbit)> PrintAsync(string postgres, string amqp)
    {
        var pg = await PostgresInsertsPerSecond(postgres);
        var mq = await RabbitPublishesPerSecond(amqp);
        Console.WriteLine($"基线 baseline  PostgreSQL one-row inserts, 16 clients: {pg,10:N0} /s");
        Console.WriteLine($"基线 baseline  RabbitMQ persistent publishes, confirms:  {mq,10:N0} /s");
        return (pg, mq);
    }
}
