using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>
/// Applies the store's schema when the service starts, one replica at a time: a replica waits on a PostgreSQL advisory
/// lock (<see cref="LockKey"/>, held for the length of one migration, on a connection of its own) for as long as another
/// replica's migration takes, up to <see cref="Patience"/>, then applies what is still missing (usually nothing).
/// <para>
/// Marten's own <c>ApplyAllDatabaseChangesOnStartup</c> waits about ten seconds for its lock and then stops the process.
/// On a busy node the first replica's migration of a new database takes longer than that, and the second replica exited
/// (CI saw it: ParentSchool's second replica in the AppHost test). A province's rolling update that adds a table would
/// crash-loop the same way. Marten's way out (<c>ContinueOnFailures</c>) starts the loser against a schema still being
/// built; waiting is what the replica should do.
/// </para>
/// Registered first among the hosted services (<see cref="EventStoreExtensions.AddEventStore"/>), so that the daemon,
/// the publisher and the consumers find the schema in place.
/// </summary>
public sealed class SchemaOnStartup(IDocumentStore store, string connectionString, ILogger<SchemaOnStartup> logger)
    : IHostedService
{
    /// <summary>The advisory lock one migration holds (per database; Marten's own lock, 4004, is taken inside it).</summary>
    public const long LockKey = 0x4A4C_5400_0001;

    /// <summary>How long a replica waits for another's migration before it gives up and stops.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Its own connection, not pooled: the lock belongs to the session and goes with it, whatever happens.
        var plain = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 };
        await using var connection = new NpgsqlConnection(plain.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        var waited = Stopwatch.StartNew();
        using (var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            patience.CancelAfter(Patience);
            try
            {
                await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
                take.Parameters.AddWithValue("key", LockKey);
                await take.ExecuteNonQueryAsync(patience.Token);
            }
            catch (Exception e) when (patience.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"The store's schema was not applied: another replica's migration held lock {LockKey} on database " +
                    $"'{connection.Database}' for more than {Patience.TotalMinutes:0} minutes. " +
                    "Look for a replica stuck while starting.",
                    e);
            }
        }
        if (waited.Elapsed > TimeSpan.FromSeconds(1))
        {
            logger.LogInformation("Waited {Seconds:0.0} s for another replica's migration of database {Database}",
                waited.Elapsed.TotalSeconds, connection.Database);
        }

        // The lock goes with the session: the connection is not pooled, and its disposal as this method ends closes the
        // session, also when the migration failed (an unlock on a broken connection would only hide the migration's error).
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
