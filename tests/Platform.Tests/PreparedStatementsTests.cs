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
