using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Weasel.Core;

namespace JiaoLianTi.Platform.EventStore;

public static class EventStoreExtensions
{
    /// <summary>
    /// The service's own Marten event store on its own database (the AppHost's resource name, e.g. <c>alliancesdb</c>).
    /// Quick append, lightweight sessions, schema applied on start (one replica at a time, <see cref="SchemaOnStartup"/>),
    /// and the async daemon in HotCold mode so that of N replicas one runs the subscriptions and async projections.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddEventStore(
        this IHostApplicationBuilder builder, string databaseName, Action<StoreOptions> configure)
    {
        var connectionString = builder.Configuration.GetConnectionString(databaseName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{databaseName} is not set. The AppHost sets it; outside it, set ConnectionStrings__{databaseName}.");
        var storeConnection = WithWarmConnections(
            WithoutResetOnReturn(WithPreparedStatements(connectionString, builder.Configuration), builder.Configuration), builder.Configuration);

        builder.Services.AddHealthChecks().AddCheck(
            databaseName, new PostgresHealthCheck(connectionString), HealthStatus.Unhealthy, ["ready"]);
        builder.Services.AddSingleton(services => new AppendWakeup(
            connectionString, services.GetRequiredService<ILoggerFactory>().CreateLogger<AppendWakeup>()));
        builder.Services.AddSingleton<IConfigureMarten, WakeOnAppend>();
        // The schema is applied before any other hosted service starts, one replica at a time (SchemaOnStartup), instead
        // of by Marten's ApplyAllDatabaseChangesOnStartup, which stops a replica that waits more than about ten seconds.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(services => new SchemaOnStartup(
            services.GetRequiredService<IDocumentStore>(), connectionString,
            services.GetRequiredService<ILogger<SchemaOnStartup>>())));

        return builder.Services.AddMarten(options =>
            {
                options.Connection(storeConnection);
                options.DatabaseSchemaName = "jlt";
                options.Events.AppendMode = EventAppendMode.Quick;
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.Events.MetadataConfig.CorrelationIdEnabled = true;
                // The daemon (async projections, the integration-event publisher) wakes when events are appended, not
                // only at its next poll (issue 20: the time from a command's 201 to the event on the broker), by
                // AppendWakeup (WakeOnAppend below), not by Marten's NOTIFY inside every appending transaction, which
                // made the service's commits take turns.
                options.Events.UseListenNotifyForEventAppends = false;
                options.Schema.For<Messaging.ProcessedMessage>();
                configure(options);
            })
            .BuildSessionsWith<TracingSessionFactory>()
            .AddAsyncDaemon(DaemonMode.HotCold);
    }

    /// <summary>The setting that bounds how many statements each connection keeps prepared (0: none).</summary>
    public const string MaxAutoPrepareKey = "Database:MaxAutoPrepare";
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The store's connections keep the statements they run often prepared (Npgsql's automatic preparation: a statement
    /// seen twice on a connection is prepared there, up to <see cref="MaxAutoPrepareKey"/> per connection, the least
    /// used dropped first). PostgreSQL otherwise parses and plans every statement anew, and with Marten's short
    /// statements that planning was most of the database's CPU: about 5.6 ms of PostgreSQL per command that five services
    /// consume (benchmarks/system.sh, issue 20). Prepared statements outlive a connection's return to the pool (Npgsql
    /// then resets it without <c>DISCARD ALL</c>); a schema change makes PostgreSQL plan them again.
    /// </summary>
    public static string WithPreparedStatements(string connectionString, IConfiguration configuration)
    {
        var max = configuration.GetValue(MaxAutoPrepareKey, DefaultMaxAutoPrepare);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (max <= 0 || builder.MaxAutoPrepare > 0)
        {
            return connectionString;
        }
        builder.MaxAutoPrepare = max;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    /// <summary>The setting that makes the store's connections reset when returned to the pool (default: false).</summary>
    public const string ResetOnReturnKey = "Database:ResetOnReturn";

    /// <summary>
    /// The store's connections are not reset when they go back to the pool (Npgsql's <c>No Reset On Close</c>). With
    /// prepared statements kept, Npgsql cannot reset with one <c>DISCARD ALL</c> (it would drop them) and sends seven
    /// statements instead (<c>CLOSE ALL</c>, <c>UNLISTEN *</c>, <c>pg_advisory_unlock_all()</c>, <c>DISCARD SEQUENCES</c>,
    /// <c>DISCARD TEMP</c>, <c>SET SESSION AUTHORIZATION DEFAULT</c>, <c>RESET ALL</c>) at the next open: a consumer
    /// opens twice per message, so fourteen statements PostgreSQL parsed and ran beside the message's five
    /// (pg_stat_statements, issue 20). Nothing that runs on the store's connections leaves session state behind: Marten and
    /// the platform take transaction-scoped advisory locks only, the daemon's leadership lock (Weasel) is released with
    /// <c>pg_advisory_unlock</c> on its own connection, nothing sets a session-wide setting (<c>SET LOCAL</c> or
    /// <c>set_config(…, true)</c> only), and LISTEN runs on <see cref="AppendWakeup"/>'s own pool. A transaction left open
    /// is still rolled back when its connection goes back (Npgsql does that whatever this setting). Code that needs
    /// session state opens its own connection from the plain connection string, as <see cref="AppendWakeup"/> does.
    /// <c>Database__ResetOnReturn=true</c> brings the reset back; a connection string that says
    /// <c>No Reset On Close</c> wins.
    /// </summary>
    public static string WithoutResetOnReturn(string connectionString, IConfiguration configuration)
    {
        // What the connection string itself says (Npgsql's builder answers ContainsKey for every keyword it knows).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (configuration.GetValue(ResetOnReturnKey, false) || given.ContainsKey("No Reset On Close") || given.ContainsKey("NoResetOnClose"))
        {
            return connectionString;
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        return builder.ConnectionString;
    }

    /// <summary>How many of the store's connections stay open however long they are idle (default 10).</summary>
    public const string WarmConnectionsKey = "Database:WarmConnections";
    public const int DefaultWarmConnections = 10;

    /// <summary>
    /// The store's pool keeps up to <see cref="WarmConnectionsKey"/> connections open once it has opened them (Npgsql's
    /// <c>Minimum Pool Size</c>; never more than its <c>Maximum Pool Size</c>); only those above it close after
    /// <c>Connection Idle Lifetime</c>. Without a floor a pool that sat idle has closed them all, and the first burst
    /// after it (a morning's first minutes) waits while PostgreSQL forks a backend for each, signs it in with SCRAM and
    /// warms its caches and prepared statements again, all on a CPU the burst itself keeps busy: on the 2-core build
    /// machine a new session took 1.4-3.6 s at p95 under such a burst, and the commands waiting for them up to 4 s
    /// (issue 20, docs/operations.md). Each connection kept costs the database one idle backend (a few MB).
    /// 0 keeps none; a connection string that says <c>Minimum Pool Size</c> wins.
    /// </summary>
    public static string WithWarmConnections(string connectionString, IConfiguration configuration)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var warm = configuration.GetValue(WarmConnectionsKey, DefaultWarmConnections);
        if (warm <= 0 || given.ContainsKey("Minimum Pool Size") || given.ContainsKey("MinPoolSize") || given.ContainsKey("Min Pool Size"))
        {
            return connectionString;
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.MinPoolSize = Math.Min(warm, builder.MaxPoolSize);
        return builder.ConnectionString;
    }

    /// <summary>The store's sessions tell <see cref="AppendWakeup"/> of their commits, and the daemon waits on it.</summary>
    private sealed class WakeOnAppend(AppendWakeup wakeup) : IConfigureMarten
    {
        public void Configure(IServiceProvider services, StoreOptions options)
        {
            options.Listeners.Add(wakeup);
            options.Projections.Wakeup = wakeup;
        }
    }

    private sealed class PostgresHealthCheck(string connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("select 1", connection);
                await command.ExecuteScalarAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
            }
        }
    }
}
