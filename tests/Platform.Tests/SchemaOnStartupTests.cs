using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// Replicas of one service that start together on a new database (a province's first deployment with two replicas, a
/// rolling update that adds a table): each applies the store's schema on start, one after the other, and every one
/// starts. Marten's own start gives up after about half a second of waiting for another replica's migration and stops
/// the process (CI saw ParentSchool's second replica exit so in the AppHost test).
/// </summary>
public sealed class SchemaOnStartupTests
{
    [Fact]
    public async Task Replicas_that_start_together_on_a_new_database_all_start_and_share_one_schema()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = await servers.CreateDatabaseAsync($"schema{Guid.NewGuid():N}"[..20]);

        var hosts = Enumerable.Range(0, 4).Select(_ => Build(connectionString)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(host => Task.Run(() => host.StartAsync())));
            foreach (var host in hosts)
            {
                await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
                session.Store(new Note(Guid.NewGuid(), "有"));
                await session.SaveChangesAsync();
            }
            await using var reader = hosts[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            Assert.Equal(hosts.Count, await reader.Query<Note>().CountAsync());
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_replica_waits_while_another_applies_the_schema_then_starts()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = await servers.CreateDatabaseAsync($"schema{Guid.NewGuid():N}"[..20]);

        // Another replica is in the middle of its migration: it holds the schema lock for twelve seconds, longer than
        // Marten's own start waits before it gives up.
        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", other))
        {
            take.Parameters.AddWithValue("key", SchemaOnStartup.LockKey);
            await take.ExecuteNonQueryAsync();
        }

        using var host = Build(connectionString);
        var starting = host.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(12));
        Assert.False(starting.IsCompleted, $"the replica did not wait for the other's migration: {starting.Exception?.InnerException?.Message}");

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", other))
        {
            release.Parameters.AddWithValue("key", SchemaOnStartup.LockKey);
            await release.ExecuteNonQueryAsync();
        }
        await starting;
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Store(new Note(Guid.NewGuid(), "有"));
            await session.SaveChangesAsync();
        }
        await host.StopAsync();
    }

    private static IHost Build(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:schemadb"] = connectionString;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddEventStore("schemadb", options =>
        {
            options.Events.AddEventType<AppendWakeupTests.Happened>();
            options.Schema.For<Note>();
        });
        return builder.Build();
    }

    public sealed record Note(Guid Id, string Text);
}
