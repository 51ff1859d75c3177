using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The event store's connections keep the statements they run often prepared (issue 20: planning Marten's short
/// statements anew was most of PostgreSQL's CPU per command), on the real PostgreSQL.
/// </summary>
public sealed class PreparedStatementsTests : IAsyncLifetime
{
    private string connectionString = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        connectionString = await servers.CreateDatabaseAsync($"prepared{Guid.NewGuid():N}"[..20]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void By_default_a_connection_keeps_64_statements_prepared_from_their_second_use()
    {
        var built = new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithPreparedStatements(connectionString, Settings()));
        Assert.Equal(EventStoreExtensions.DefaultMaxAutoPrepare, built.MaxAutoPrepare);
        Assert.Equal(2, built.AutoPrepareMinUsages);
        Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Password, built.Password);
    }

    [Fact]
    public void The_setting_changes_the_number_or_switches_it_off_and_a_connection_string_that_says_it_wins()
    {
        var ten = new NpgsqlConnectionStringBuilder(
            EventStoreExtensions.WithPreparedStatements(connectionString, Settings((EventStoreExtensions.MaxAutoPrepareKey, "10"))));
        Assert.Equal(10, ten.MaxAutoPrepare);
        Assert.Equal(connectionString,
            EventStoreExtensions.WithPreparedStatements(connectionString, Settings((EventStoreExtensions.MaxAutoPrepareKey, "0"))));
        var own = connectionString + ";Max Auto Prepare=5";
        Assert.Equal(own, EventStoreExtensions.WithPreparedStatements(own, Settings()));
    }

    [Fact]
    public async Task The_stores_statements_are_prepared_on_postgresql_and_a_schema_change_does_not_break_them()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:prepareddb"] = connectionString;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddEventStore("prepareddb", options => options.Schema.For<Note>());
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var id = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Store(new Note { Id = id, Text = "一" });
            await session.SaveChangesAsync();
        }
        // The same load, several times: from its second use on a connection it runs as a prepared statement.
        for (var i = 0; i < 5; i++)
        {
            await using var session = store.QuerySession();
            Assert.Equal("一", (await session.LoadAsync<Note>(id))!.Text);
        }
        var prepared = await PreparedLoads(store);
        Assert.True(prepared > 0, "no statement of the store was prepared");

        // A column added to the table (as a migration does) while statements are prepared: they are planned again.
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand("alter table jlt.mt_doc_preparedstatementstests_note add column extra text", admin).ExecuteNonQueryAsync();
        }
        for (var i = 0; i < 3; i++)
        {
            await using var session = store.QuerySession();
            Assert.Equal("一", (await session.LoadAsync<Note>(id))!.Text);
        }
    }

    [Fact]
    public void By_default_the_stores_connections_are_not_reset_on_return_and_the_setting_or_the_connection_string_decides_otherwise()
    {
        Assert.True(new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithoutResetOnReturn(connectionString, Settings())).NoResetOnClose);
        Assert.Equal(connectionString,
            EventStoreExtensions.WithoutResetOnReturn(connectionString, Settings((EventStoreExtensions.ResetOnReturnKey, "true"))));
        var own = connectionString + ";No Reset On Close=false";
        Assert.Equal(own, EventStoreExtensions.WithoutResetOnReturn(own, Settings()));
        var alias = connectionString + ";NoResetOnClose=false";
        Assert.Equal(alias, EventStoreExtensions.WithoutResetOnReturn(alias, Settings()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_back_from_the_pool_keeps_its_prepared_statements_and_never_an_open_transaction(bool reset)
    {
        // One connection in the pool, so that the second open gets the first's PostgreSQL session back.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:prepareddb"] = connectionString + ";Maximum Pool Size=1";
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration[EventStoreExtensions.ResetOnReturnKey] = reset ? "true" : "false";
        builder.AddEventStore("prepareddb", options => options.Schema.For<Note>());
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var table = "jlt.mt_doc_preparedstatementstests_note";

        int backend;
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            backend = (int)(await new NpgsqlCommand("select pg_backend_pid()", connection).ExecuteScalarAsync())!;
            await new NpgsqlCommand("select set_config('jlt.probe', 'kept', false)", connection).ExecuteNonQueryAsync();
            await using var prepared = new NpgsqlCommand($"select count(*) from {table} where id = $1", connection) { Parameters = { new() { Value = Guid.NewGuid() } } };
            await prepared.PrepareAsync();
            await prepared.ExecuteScalarAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await new NpgsqlCommand($"insert into {table} (id, data, mt_version, mt_dotnet_type) values (gen_random_uuid(), '{{}}', gen_random_uuid(), 'x')",
                connection, transaction).ExecuteNonQueryAsync();
            // Returned with the transaction open, neither committed nor rolled back by the code.
        }
        await using (var again = store.Storage.Database.CreateConnection())
        {
            await again.OpenAsync();
            Assert.Equal(backend, (int)(await new NpgsqlCommand("select pg_backend_pid()", again).ExecuteScalarAsync())!);
            Assert.Equal(0L, (long)(await new NpgsqlCommand($"select count(*) from {table}", again).ExecuteScalarAsync())!);
            Assert.True((long)(await new NpgsqlCommand(
                $"select count(*) from pg_prepared_statements where statement like '%{table}%'", again).ExecuteScalarAsync())! > 0,
                "the statement prepared before the connection went back is gone");
            var probe = await new NpgsqlCommand("select coalesce(current_setting('jlt.probe', true), '')", again).ExecuteScalarAsync();
            // Without the reset the session's own setting is still there: what runs on these connections sets none.
            Assert.Equal(reset ? "" : "kept", probe);
        }
    }

    [Fact]
    public void By_default_the_store_keeps_ten_connections_warm_never_more_than_its_pool_and_the_setting_or_the_connection_string_decides_otherwise()
    {
        Assert.Equal(EventStoreExtensions.DefaultWarmConnections,
            new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithWarmConnections(connectionString, Settings())).MinPoolSize);
        Assert.Equal(4, new NpgsqlConnectionStringBuilder(
            EventStoreExtensions.WithWarmConnections(connectionString + ";Maximum Pool Size=4", Settings())).MinPoolSize);
        Assert.Equal(3, new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithWarmConnections(
            connectionString, Settings((EventStoreExtensions.WarmConnectionsKey, "3")))).MinPoolSize);
        Assert.Equal(connectionString,
            EventStoreExtensions.WithWarmConnections(connectionString, Settings((EventStoreExtensions.WarmConnectionsKey, "0"))));
        var own = connectionString + ";Minimum Pool Size=2";
        Assert.Equal(own, EventStoreExtensions.WithWarmConnections(own, Settings()));
    }

    [Fact]
    public async Task After_a_burst_and_a_quiet_spell_the_store_still_holds_its_warm_connections_and_closes_the_rest()
    {
        // Two stores on the same database, idle connections closed after 2 s: one with the default floor, one without.
        var warm = await Burst("jlt-warm", warmConnections: null);
        var cold = await Burst("jlt-cold", warmConnections: "0");
        Assert.Equal(16, warm.Opened);
        Assert.Equal(16, cold.Opened);
        Assert.Equal(EventStoreExtensions.DefaultWarmConnections, warm.Left);
        Assert.Equal(0, cold.Left);
    }

    /// <summary>
    /// 16 sessions of one store at once, then 8 s with nothing to do: the PostgreSQL sessions of the store's pool during
    /// the burst and those still open at the end.
    /// </summary>
    private async Task<(long Opened, long Left)> Burst(string name, string? warmConnections)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:prepareddb"] =
            connectionString + $";Maximum Pool Size=20;Connection Idle Lifetime=2;Connection Pruning Interval=1;Application Name={name}";
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        if (warmConnections is not null)
        {
            builder.Configuration[EventStoreExtensions.WarmConnectionsKey] = warmConnections;
        }
        builder.AddEventStore("prepareddb", options => options.Schema.For<Note>());
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        // Each holds its connection until all 16 have one, so the pool must open 16.
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = 0;
        long opened = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            if (Interlocked.Increment(ref holding) == 16)
            {
                opened = await Sessions(name);
                all.SetResult();
            }
            await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }));
        // Npgsql closes idle connections above the floor after their idle lifetime (2 s here), looking every second.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long left;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            left = await Sessions(name);
        }
        while (left > (warmConnections == "0" ? 0 : EventStoreExtensions.DefaultWarmConnections) && DateTime.UtcNow < deadline);
        // And they stay: another quiet spell closes none of the floor.
        await Task.Delay(TimeSpan.FromSeconds(4));
        return (opened, await Sessions(name));
    }

    private async Task<long> Sessions(string applicationName)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and application_name = $1", connection)
        { Parameters = { new() { Value = applicationName } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Whether the pooled connection the store hands out next (the one its sessions used: nothing else runs) holds the
    /// note's load prepared.
    /// </summary>
    private static async Task<long> PreparedLoads(IDocumentStore store)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_prepared_statements where statement like '%mt_doc_preparedstatementstests_note%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public sealed class Note
    {
        public Guid Id { get; set; }
        public string Text { get; set; } = "";
    }
}
