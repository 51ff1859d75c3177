using Npgsql;

namespace JiaoLianTi.Subscriptions;

/// <summary>
/// Work that one replica does at a time (sending webhooks, running replays): the replica that holds a PostgreSQL
/// advisory lock on the service's database does it while its connection lasts; the others try again every 5 s and
/// take over when that connection goes.
/// </summary>
public static class Leadership
{
    public static async Task RunWhileLeading(IConfiguration configuration, long key, Func<NpgsqlConnection, CancellationToken, Task> work,
        ILogger logger, TimeProvider clock, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(configuration.GetConnectionString(SubscriptionsService.Database));
                await connection.OpenAsync(stoppingToken);
                await using var take = new NpgsqlCommand($"select pg_try_advisory_lock({key})", connection);
                if (await take.ExecuteScalarAsync(stoppingToken) is true)
                {
                    await work(connection, stoppingToken);
                }
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                logger.LogWarning(e, "Cannot reach the database to lead; trying again");
            }
            await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
        }
    }
}
