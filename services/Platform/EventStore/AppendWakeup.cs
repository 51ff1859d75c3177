using JasperFx.Events.Daemon.HighWater;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;
using System.Runtime.CompilerServices;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>
/// Wakes the event daemon (the integration-event publisher, the async projections) as soon as events are committed,
/// without a NOTIFY inside the transaction that appends them.
/// <para>
/// Marten's <c>UseListenNotifyForEventAppends</c> puts <c>pg_notify</c> in every appending transaction, and PostgreSQL
/// lets only one notifying transaction commit at a time: it holds one lock from before the commit until after it,
/// across the WAL flush (so that notifications are queued in commit order). Every command of a service queued on that
/// lock (issue 20: 16 clients of one-row inserts with a NOTIFY did 3,900/s against 10,200/s without, and much less once
/// the CPU was shared, a commit's holder descheduled while all others waited).
/// </para>
/// <para>
/// Instead, a commit that appended events (this is a session listener of the store) signals the daemon of this
/// process directly, with no round trip. For a daemon in another process (HotCold: one replica of N runs it), one
/// NOTIFY on Marten's channel is sent after the commit, outside it, covering every commit since the last one went
/// out, and not waiting for a WAL flush of its own (it records nothing): at most one in flight, so it never queues
/// behind the commands. It is left out while this process runs the daemon itself (it waited here within the last
/// <see cref="LocalDaemonWindow"/>). The daemon, wherever it runs, listens on that channel; its polling (1 s idle)
/// stays as the safety net for a signal lost while the database was away.
/// </para>
/// </summary>
public sealed class AppendWakeup : DocumentSessionListenerBase, IDaemonWakeup, IAsyncDisposable
{
    /// <summary>Marten's channel (<c>PostgresqlListenWakeup.DefaultChannel</c>), so a Marten daemon of any kind wakes on it.</summary>
    public const string Channel = "mt_events_appended";

    /// <summary>How recently the daemon must have waited here for this process to count as the one running it.</summary>
    public static readonly TimeSpan LocalDaemonWindow = TimeSpan.FromSeconds(5);

    /// <summary>The least time between two wakes of the daemon by commits (polling aside).</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long after a commit whose events are all being published at the commit (<see cref="PublishedAtCommit"/>) the
    /// daemon is woken: its page then only checks and checkpoints what already left, and the longer wait gathers more
    /// of it into one page (woken at every commit, the page took a few events at a time, and Alliances and PostgreSQL
    /// spent more on the pages than before: issue 20).
    /// </summary>
    public static readonly TimeSpan PublishedInterval = TimeSpan.FromMilliseconds(200);

    private readonly ConditionalWeakTable<IChangeSet, object> publishedAtCommit = new();
    private int wakeLater;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger logger;
    private readonly SemaphoreSlim signal = new(0);
    private readonly SemaphoreSlim listening = new(1, 1);
    private readonly CancellationTokenSource lifetime = new();
    private NpgsqlConnection? listener;
    private Task receiving = Task.CompletedTask;
    private long lastWaited = long.MinValue / 2;
    private long lastWoken = long.MinValue / 2;
    private int notifyRequested;
    private int notifying;

    public AppendWakeup(string connectionString, ILogger logger)
    {
        // Its own small pool: the LISTEN connection and the one NOTIFY in flight.
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = 3, MinPoolSize = 0, ApplicationName = "jlt-append-wakeup",
        }.ConnectionString);
        this.logger = logger;
    }

    /// <summary>Whether this process runs the daemon: it waited here within <see cref="LocalDaemonWindow"/>.</summary>
    public bool DaemonWaitsHere =>
        Environment.TickCount64 - Interlocked.Read(ref lastWaited) <= LocalDaemonWindow.TotalMilliseconds;

    /// <summary>Events of this process were committed: wake the daemon here, or elsewhere by a NOTIFY.</summary>
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (publishedAtCommit.TryGetValue(commit, out _))
        {
            publishedAtCommit.Remove(commit);
            WakeLater();
        }
        else if (commit.GetEvents().Any())
        {
            Appended();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Every event of <paramref name="commit"/> is being published at the commit, in this process, which runs the daemon
    /// (Messaging's PublishOnCommit, a listener ahead of this one): the daemon is woken within
    /// <see cref="PublishedInterval"/>, not at once.
    /// </summary>
    public void PublishedAtCommit(IChangeSet commit) => publishedAtCommit.AddOrUpdate(commit, commit);

    private void WakeLater()
    {
        if (Interlocked.CompareExchange(ref wakeLater, 1, 0) != 0)
        {
            return;
        }
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(PublishedInterval, lifetime.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    Interlocked.Exchange(ref wakeLater, 0);
                }
                Signal();
            });
        }
    }

    /// <summary>What <see cref="AfterCommitAsync"/> does once it knows events were committed.</summary>
    public void Appended()
    {
        Signal();
        if (!DaemonWaitsHere)
        {
            Interlocked.Exchange(ref notifyRequested, 1);
            if (Interlocked.CompareExchange(ref notifying, 1, 0) == 0)
            {
                StartNotifying();
            }
        }
    }

    /// <summary>
    /// The NOTIFY is the wakeup's own work, not the request's whose commit set it off: it starts outside that trace (a
    /// root span the process starts by itself, which the tracing leaves out, as it does the daemon's polling).
    /// </summary>
    private void StartNotifying()
    {
        var current = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity.Current = null;
        try
        {
            _ = NotifyAsync();
        }
        finally
        {
            System.Diagnostics.Activity.Current = current;
        }
    }

    /// <summary>The daemon's high-water agent waits here between its looks at the store.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        Interlocked.Exchange(ref lastWaited, Environment.TickCount64);
        try
        {
            await ListenAsync(token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database is away: appends of this process still wake it; others' are found by polling.
            logger.LogWarning(e, "Cannot LISTEN on {Channel}; other processes' appends are found by polling until the database answers", Channel);
        }
        // A burst of signals wakes the agent once, not once each.
        while (signal.CurrentCount > 0)
        {
            await signal.WaitAsync(0, token);
        }
        if (await signal.WaitAsync(timeout, token))
        {
            // Under load the commits come a few milliseconds apart: woken by each, the daemon would read the high-water
            // mark, load a page of one event, publish it and commit its progress for every command. At most one wake
            // per MinimumInterval gathers them into pages (at most that much later; an idle store wakes at once).
            var since = TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref lastWoken));
            if (since < MinimumInterval)
            {
                await Task.Delay(MinimumInterval - since, token);
            }
        }
        Interlocked.Exchange(ref lastWoken, Environment.TickCount64);
        Interlocked.Exchange(ref lastWaited, Environment.TickCount64);
    }

    private void Signal()
    {
        // One pending signal is enough: the agent reads the whole store's high-water mark when it wakes.
        if (signal.CurrentCount == 0)
        {
            signal.Release();
        }
    }

    private async Task NotifyAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref notifyRequested, 0) == 1 && !lifetime.IsCancellationRequested)
            {
                try
                {
                    await using var command = dataSource.CreateCommand(
                        $"select set_config('synchronous_commit', 'off', true), pg_notify('{Channel}', '')");
                    await command.ExecuteNonQueryAsync(lifetime.Token);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException)
                {
                    // Best effort: the daemon's polling finds what this did not announce.
                    logger.LogDebug(e, "NOTIFY {Channel} failed", Channel);
                }
            }
        }
        finally
        {
            Interlocked.Exchange(ref notifying, 0);
            // A commit that came after the loop's last look but before the flag was cleared.
            if (Volatile.Read(ref notifyRequested) == 1 && Interlocked.CompareExchange(ref notifying, 1, 0) == 0)
            {
                StartNotifying();
            }
        }
    }

    private async Task ListenAsync(CancellationToken token)
    {
        if (listener is not null)
        {
            return;
        }
        await listening.WaitAsync(token);
        try
        {
            if (listener is not null)
            {
                return;
            }
            var connection = await dataSource.OpenConnectionAsync(token);
            connection.Notification += (_, _) => Signal();
            await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection))
            {
                await command.ExecuteNonQueryAsync(token);
            }
            listener = connection;
            receiving = ReceiveAsync(connection);
        }
        finally
        {
            listening.Release();
        }
    }

    private async Task ReceiveAsync(NpgsqlConnection connection)
    {
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                await connection.WaitAsync(lifetime.Token);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The LISTEN connection on {Channel} was lost; listening again at the daemon's next wait", Channel);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            listener = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                // already broken
            }
            // Whatever was appended while nobody listened: let the agent look now.
            Signal();
        }
    }

    /// <summary>The daemon does not own this (the store's options do): nothing to do when it lets go of it.</summary>
    public void Dispose()
    {
    }

    public async ValueTask DisposeAsync()
    {
        // The receive loop ends on the cancellation and closes the LISTEN connection itself (a connection waiting for
        // notifications cannot be disposed from outside).
        await lifetime.CancelAsync();
        await receiving.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        await dataSource.DisposeAsync();
        lifetime.Dispose();
    }
}
