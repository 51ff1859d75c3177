using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using JasperFx;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The event daemon wakes when events are committed (<see cref="AppendWakeup"/>), on the real PostgreSQL: by the
/// commit of this process's own session, and by a commit of another process (another replica's wakeup on the same
/// database), whose NOTIFY travels outside the appending transaction. Each wait is given an hour: only a wake ends it
/// before the test run's own limit, so nothing here measures how fast.
/// </summary>
public sealed class AppendWakeupTests : IAsyncLifetime
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private string connectionString = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        connectionString = await servers.CreateDatabaseAsync($"wakeup{Guid.NewGuid():N}"[..20]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void The_service_store_tells_the_wakeup_of_commits_and_its_daemon_waits_on_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:wakeupdb"] = connectionString;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddEventStore("wakeupdb", options => options.Events.AddEventType<Happened>());
        using var host = builder.Build();
        var wakeup = host.Services.GetRequiredService<AppendWakeup>();
        var options = (StoreOptions)host.Services.GetRequiredService<IDocumentStore>().Options;
        Assert.Same(wakeup, options.Projections.Wakeup);
        Assert.Contains(wakeup, options.Listeners);
        // Marten's own NOTIFY inside every appending transaction is what this replaces.
        Assert.False(options.Events.UseListenNotifyForEventAppends);
    }

    [Fact]
    public async Task A_session_that_commits_events_wakes_the_daemon_of_its_process()
    {
        await using var wakeup = new AppendWakeup(connectionString, NullLogger.Instance);
        await using var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = "wakeup";
            options.Events.AddEventType<Happened>();
            options.Listeners.Add(wakeup);
        });
        // The daemon's first wait starts listening; a short one, ended by its timeout.
        await wakeup.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);

        var woken = wakeup.WaitAsync(Hour, CancellationToken.None);
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(Guid.NewGuid(), new Happened("一"));
            await session.SaveChangesAsync();
        }
        await woken;
    }

    [Fact]
    public async Task Events_committed_in_another_process_wake_the_daemon_here_by_a_notify()
    {
        await using var daemonHere = new AppendWakeup(connectionString, NullLogger.Instance);
        await using var otherReplica = new AppendWakeup(connectionString, NullLogger.Instance);
        // The first wait starts listening; a short one, ended by its timeout or an earlier signal.
        await daemonHere.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);

        var woken = daemonHere.WaitAsync(Hour, CancellationToken.None);
        // The other replica runs no daemon (nothing waited on it), so its commit is announced by a NOTIFY.
        otherReplica.Appended();
        await woken;
    }

    public sealed record Happened(string What);
}
