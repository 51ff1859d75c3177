using System.Collections.Concurrent;
using System.Threading.Channels;
using JasperFx.Events;
using JiaoLianTi.Platform.EventStore;
using Marten;
using Marten.Services;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// Publishes a commit's integration events as soon as the commit returns, in the process that committed them, instead
/// of waiting for the publisher's next page (docs/design.md 4; issue 20: at 200 events/s an event waited 95 ms at p50
/// and 455 ms at p95 from the 201 to the start of its publish, most of it for the page before its own to be loaded,
/// published, confirmed and checkpointed).
/// <para>
/// The event store stays the outbox and <see cref="IntegrationEventPublisher"/> the guarantee: every event still goes
/// through its page, in order, and its checkpoint. An event published here is <em>claimed</em> at the commit; when the
/// page reaches it, the publisher waits for the claim and skips the event if the broker confirmed it, or publishes it
/// itself (with its retries) if not. A process that stops between this publish and the checkpoint publishes the
/// event again when it starts, with the same MessageId, and consumers drop the duplicate, as they always have.
/// </para>
/// <para>
/// Each stream's events still leave in order. A commit's events are claimed only if everything before them in their
/// stream is known here to be published or claimed: the stream starts with them (version 1), or this process
/// published or claimed the version just before. A claim publishes only after the claim before it in its stream was
/// confirmed; if that one failed, so does this one, and the publisher sends both, in order. Anything else (a stream
/// last written by another replica, versions not known at the commit) is left to the publisher's page, as before.
/// Claims are made only while the publisher runs in this process (the daemon waited on <see cref="AppendWakeup"/>
/// within its window) and the publishing gate is open; <c>Messaging:PublishOnCommit=false</c> turns it off. A commit
/// whose events were all claimed wakes the daemon only within <see cref="AppendWakeup.PublishedInterval"/>, so that its
/// page, which has little left to do, gathers more commits.
/// </para>
/// </summary>
public sealed class PublishOnCommit : DocumentSessionListenerBase, IAsyncDisposable
{
    /// <summary>The setting that turns publishing at the commit off (<c>false</c>; on by default).</summary>
    public const string EnabledKey = "Messaging:PublishOnCommit";

    /// <summary>The most commits published in one batch.</summary>
    public const int MaxBatch = 500;

    /// <summary>How long one publish here may wait for the broker's confirm before it is left to the publisher.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long what this process knows of a quiet stream is kept (then its next events go by the page).</summary>
    public static readonly TimeSpan StreamMemory = TimeSpan.FromMinutes(2);

    private static readonly Task<bool> Published = Task.FromResult(true);

    private readonly IServiceProvider services;
    private readonly IIntegrationEventMap map;
    private readonly HashSet<Type> published;
    private readonly PublishingGate gate;
    private readonly AppendWakeup wakeup;
    private readonly ILogger<PublishOnCommit> logger;
    private readonly TimeProvider clock;
    private readonly long memory;
    private readonly bool enabled;
    private readonly ConcurrentDictionary<Guid, Claim> claims = new();
    private readonly ConcurrentDictionary<Guid, (TransportPublish Publish, long At)> stillGoing = new();
    private readonly Dictionary<Guid, StreamMark> streams = [];
    private readonly Lock sync = new();
    private long lastPruned;
    private readonly Channel<Commit> waiting = Channel.CreateUnbounded<Commit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> loop;
    private IBus? bus;
    private long sent;
    private Observability.OpsMetrics? metrics;

    public PublishOnCommit(IServiceProvider services, IIntegrationEventMap map, PublishingGate gate, AppendWakeup wakeup,
        IConfiguration configuration, ILogger<PublishOnCommit> logger, TimeProvider clock)
    {
        this.clock = clock;
        memory = (long)(StreamMemory.TotalSeconds * clock.TimestampFrequency);
        lastPruned = clock.GetTimestamp();
        this.services = services;
        this.map = map;
        published = [.. map.EventTypes];
        this.gate = gate;
        this.wakeup = wakeup;
        this.logger = logger;
        // An event published here can reach a subscriber before the daemon's high-water mark covers it: the replay
        // feed (IntegrationFeed) therefore reads on past the mark where nothing is missing, and a replay reads it until
        // the head it saw first (ReplayWorker), not only to the mark.
        enabled = configuration.GetValue(EnabledKey, true);
        loop = new Lazy<Task>(() =>
        {
            // The publish is the commit's aftermath, not the request's work: the loop runs outside the first request's
            // context (each publish's trace continues from the event's own traceparent header, as the page's does).
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(Run);
            }
        });
    }

    /// <summary>Claims not yet taken by the publisher's page.</summary>
    public int Pending => claims.Count(c => !c.Value.ByPage);

    /// <summary>Events the page took without a claim and has not released yet.</summary>
    public int TakenByPage => claims.Count(c => c.Value.ByPage);

    /// <summary>Events this process published at their commit since it started.</summary>
    public long Sent => Interlocked.Read(ref sent);

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (!enabled || !gate.IsOpen || !wakeup.DaemonWaitsHere)
        {
            return Task.CompletedTask;
        }
        var committed = DateTimeOffset.UtcNow;
        var all = true;
        var any = false;
        foreach (var stream in commit.GetEvents().GroupBy(e => e.StreamId))
        {
            any = true;
            var events = stream.OrderBy(e => e.Version).ToArray();
            all &= stream.Key != Guid.Empty && Consecutive(events) && events.Any(e => published.Contains(e.EventType))
                && TryClaim(stream.Key, events, committed);
        }
        if (any && all)
        {
            // Nothing of this commit is left for the page to publish: it need not come at once.
            wakeup.PublishedAtCommit(commit);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The publisher's page reached <paramref name="event"/>: whether it was claimed at its commit. If not, it is the
    /// page's from now on (a commit whose listener comes only now does not claim it) until <see cref="Release"/>.
    /// </summary>
    public bool IsClaimed(IEvent @event) =>
        enabled && !claims.GetOrAdd(@event.Id, static (_, at) => new Claim(Published, at, ByPage: true), clock.GetTimestamp()).ByPage;

    /// <summary>
    /// The page comes to a claimed <paramref name="event"/>: true once it was published at its commit (nothing left to
    /// do), false if that publish failed (the page publishes it).
    /// </summary>
    public async Task<bool> TakeAsync(IEvent @event, CancellationToken ct) =>
        claims.TryRemove(@event.Id, out var claim) && !claim.ByPage && await claim.Outcome.WaitAsync(ct);

    /// <summary>
    /// The publish at the commit of <paramref name="event"/> if it ran out of time and is still going (the page, which
    /// sends the event itself, waits for it first), else null.
    /// </summary>
    /// <remarks>
    /// Kept until the page takes it, even once done: a publish that ended just after its commit gave up on it (a confirm
    /// 5.1 s late) is then skipped by the page rather than sent again.
    /// </remarks>
    public TransportPublish? StillGoing(IEvent @event) => stillGoing.TryRemove(@event.Id, out var late) ? late.Publish : null;

    /// <summary>The page published an event it took (<see cref="IsClaimed"/> false): forget it.</summary>
    public void Release(IEvent @event)
    {
        if (enabled && claims.TryGetValue(@event.Id, out var claim) && claim.ByPage)
        {
            claims.TryRemove(new KeyValuePair<Guid, Claim>(@event.Id, claim));
        }
    }

    /// <summary>The page published (or skipped) a stream's events up to <paramref name="version"/>, in order.</summary>
    public void Settled(Guid stream, long version)
    {
        if (!enabled || version <= 0)
        {
            return;
        }
        lock (sync)
        {
            // A later claim of the stream stays; an earlier one (awaited by the page already) or a failed one is
            // replaced: everything up to this version is out.
            if (!streams.TryGetValue(stream, out var mark) || mark.Version <= version)
            {
                streams[stream] = new StreamMark(version, Published, clock.GetTimestamp());
            }
            PruneIfDue();
        }
    }

    private static bool Consecutive(IEvent[] events)
    {
        if (events[0].Version <= 0)
        {
            return false;
        }
        for (var i = 1; i < events.Length; i++)
        {
            if (events[i].Version != events[i - 1].Version + 1)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Claims the events of one stream of a commit, if it may: whether it did.</summary>
    private bool TryClaim(Guid stream, IEvent[] events, DateTimeOffset committed)
    {
        lock (sync)
        {
            // Pruned here too: a process whose daemon moved to another replica has no more pages to prune on.
            PruneIfDue();
            var first = events[0].Version;
            Task<bool> before;
            if (first == 1)
            {
                before = Published;
            }
            else if (streams.TryGetValue(stream, out var mark) && mark.Version == first - 1)
            {
                before = mark.Tail;
            }
            else
            {
                return false;
            }
            // Each event is claimed here unless the page took it already (it loaded the page between the commit and
            // this listener): then the page publishes all of them.
            var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var claim = new Claim(outcome.Task, clock.GetTimestamp());
            var added = new List<Guid>();
            // The page took one (or the process is stopping): the page publishes all of them.
            bool Undo()
            {
                added.ForEach(id => claims.TryRemove(id, out _));
                return false;
            }
            foreach (var @event in events.Where(e => published.Contains(e.EventType)))
            {
                if (!claims.TryAdd(@event.Id, claim))
                {
                    return Undo();
                }
                added.Add(@event.Id);
            }
            if (!waiting.Writer.TryWrite(new Commit(stream, before, events, committed, outcome)))
            {
                return Undo();
            }
            streams[stream] = new StreamMark(events[^1].Version, outcome.Task, clock.GetTimestamp());
            _ = loop.Value;
            return true;
        }
    }

    /// <summary>
    /// Publishes what was claimed, in batches: everything claimed while the batches before it were being published goes
    /// out together, the streams side by side, each stream's commits in the order they were claimed (a commit's publish
    /// waits for the outcome of the one before it in its stream, whichever batch that was in). Up to
    /// <see cref="BatchesInFlight"/> batches wait for their confirms at once.
    /// <para>
    /// A quiet service publishes each commit at once. A busy one sends the broker bursts, as the page did: with a
    /// publish started for each commit as it came, RabbitMQ spent 1,475 µs a command in one saturated run, against
    /// 1,065-1,148 µs before. With one batch at a time, each commit waited for the confirms of the whole batch before
    /// it: at 200 commands a second on the demo system, where a confirm took 97 ms at p50 and 279 ms at p95, the publish
    /// of a claimed event started 297 ms after the client's 201 at p50 and 1,010 ms at p95; with four, 48 and 527 ms
    /// (docs/operations.md, 提交即发布; issue 20).
    /// </para>
    /// </summary>
    private async Task Run()
    {
        var inFlight = new Queue<Task>();
        while (await waiting.Reader.WaitToReadAsync())
        {
            var batch = new List<Commit>();
            while (batch.Count < MaxBatch && waiting.Reader.TryRead(out var commit))
            {
                batch.Add(commit);
            }
            inFlight.Enqueue(PublishBatchAsync(batch));
            // The oldest batch is waited for only when the window is full: the next batch gathers meanwhile.
            while (inFlight.Count > 0 && (inFlight.Count >= BatchesInFlight || inFlight.Peek().IsCompleted))
            {
                await inFlight.Dequeue();
            }
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>How many batches may wait for their confirms at once.</summary>
    public const int BatchesInFlight = 4;

    private Task PublishBatchAsync(List<Commit> batch) =>
        Parallel.ForEachAsync(batch.GroupBy(c => c.Stream),
            new ParallelOptions { MaxDegreeOfParallelism = IntegrationEventPublisher.MaxInFlight },
            async (stream, _) =>
            {
                foreach (var commit in stream)
                {
                    commit.Outcome.SetResult(await PublishAsync(commit.Before, commit.Events, commit.Committed));
                }
            });

    public async ValueTask DisposeAsync()
    {
        waiting.Writer.TryComplete();
        if (loop.IsValueCreated)
        {
            await loop.Value.WaitAsync(AttemptTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<bool> PublishAsync(Task<bool> before, IEvent[] events, DateTimeOffset committed)
    {
        try
        {
            if (!await before)
            {
                return false;
            }
            bus ??= services.GetRequiredService<IBus>();
            metrics ??= services.GetService<Observability.OpsMetrics>();
            foreach (var @event in events)
            {
                if (!published.Contains(@event.EventType) || map.ToIntegrationEvent(@event) is not { } message)
                {
                    continue;
                }
                var publish = TransportPublish.Start(bus, @event, message, "commit", CancellationToken.None);
                try
                {
                    await publish.Task.WaitAsync(AttemptTimeout);
                }
                catch (TimeoutException)
                {
                    // Still going. With the broker away it only waits for a connection: given up, the page sends the
                    // event. With the broker there (its confirm late), the page waits for this publish first.
                    if (TransportPublish.BrokerAway(bus))
                    {
                        publish.Cancel();
                    }
                    else
                    {
                        stillGoing.TryAdd(@event.Id, (publish, clock.GetTimestamp()));
                    }
                    throw;
                }
                Interlocked.Increment(ref sent);
                metrics?.Published(message.GetType().Name,
                    DateTimeOffset.UtcNow - (@event.Timestamp == default ? committed : @event.Timestamp));
            }
            return true;
        }
        catch (Exception e)
        {
            // The broker away, its confirm late, the bus stopping: the page publishes these events, with its retries.
            logger.LogDebug(e, "Publishing at the commit failed; the publisher's page sends the events");
            return false;
        }
    }

    /// <summary>
    /// Forgets quiet streams, claims no page took, and events a page took but never released (the daemon moved to
    /// another replica meanwhile, or its page failed and ran again elsewhere). A commit's listener runs as the commit
    /// returns, so after <see cref="StreamMemory"/> none will come for such an event.
    /// </summary>
    private void PruneIfDue()
    {
        var now = clock.GetTimestamp();
        if (now - lastPruned < memory / 4)
        {
            return;
        }
        lastPruned = now;
        foreach (var (stream, mark) in streams.Where(s => now - s.Value.Touched > memory && s.Value.Tail.IsCompleted).ToList())
        {
            streams.Remove(stream);
        }
        foreach (var (id, claim) in claims.Where(c => now - c.Value.At > memory && (c.Value.ByPage || c.Value.Outcome.IsCompleted)).ToList())
        {
            claims.TryRemove(new KeyValuePair<Guid, Claim>(id, claim));
        }
        // Late publishes no page came for (it ran on another replica).
        foreach (var (id, late) in stillGoing.Where(l => now - l.Value.At > memory && l.Value.Publish.Task.IsCompleted).ToList())
        {
            stillGoing.TryRemove(new KeyValuePair<Guid, (TransportPublish, long)>(id, late));
        }
    }

    /// <summary>
    /// An event's entry: claimed at its commit (the publish's <paramref name="Outcome"/>), or taken by the page without a
    /// claim (<paramref name="ByPage"/>), at the timestamp <paramref name="At"/>.
    /// </summary>
    private sealed record Claim(Task<bool> Outcome, long At, bool ByPage = false);

    /// <summary>A commit's events of one stream, claimed, waiting to be published after <paramref name="Before"/>.</summary>
    private sealed record Commit(Guid Stream, Task<bool> Before, IEvent[] Events, DateTimeOffset Committed, TaskCompletionSource<bool> Outcome);

    /// <summary>
    /// What this process knows of a stream: every event up to <paramref name="Version"/> is published, or claimed with
    /// the last claim's outcome <paramref name="Tail"/>.
    /// </summary>
    private sealed record StreamMark(long Version, Task<bool> Tail, long Touched);
}

/// <summary>The store's sessions tell <see cref="PublishOnCommit"/> of their commits.</summary>
internal sealed class ListenForCommits(PublishOnCommit publishOnCommit) : IConfigureMarten
{
    // First among the listeners: the claims are made before AppendWakeup's signal can set the daemon loading a page.
    public void Configure(IServiceProvider services, StoreOptions options) => options.Listeners.Insert(0, publishOnCommit);
}
