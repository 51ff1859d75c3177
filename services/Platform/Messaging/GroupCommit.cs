using System.Diagnostics;
using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// Applies the messages that are waiting at the same moment in one transaction (a group commit), each with its message
/// id, instead of one transaction each (issue 20). A consumer that may be grouped hands its message here
/// (<see cref="Apply"/>) and returns when the group holding it has committed; the idempotency filter then has nothing
/// left to commit (<see cref="ConsumerCommitted"/>).
/// <para>
/// No message waits for company: one loop takes the first message waiting and every other one waiting with it (at most
/// what the endpoint prefetches, 32 by default), so a quiet service commits one at a time as before and a busy one
/// commits many per transaction. The groups commit one after another, so each message's staging reads what the groups
/// before it committed. Two messages with the same key (the alliance or unit they concern) are never in one group, so
/// that one does not read the state before another message of the group staged its change (a join reads its alliance,
/// a dissolution its memberships): the later one goes into the next group. A message whose staging may read more than
/// its key names (a service's hooks) commits in a group of its own, in its turn. A group that fails
/// to commit (a message id stored already, a document changed by another replica, a fact refused) changes nothing, and
/// its messages are applied again one by one, each in its own transaction, so that only the one at fault fails (and
/// the filter skips a duplicate, or MassTransit retries it).
/// </para>
/// <para><c>Messaging:GroupCommit=false</c> applies every message alone (one transaction each, as before).</para>
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>The setting that switches group commits off (<c>false</c>).</summary>
    public const string EnabledKey = "Messaging:GroupCommit";

    /// <summary>The most messages in one transaction (what the endpoint prefetches bounds it first: 32 by default).</summary>
    public const int MaxGroup = 64;

    private static readonly ActivitySource Source = new("JiaoLianTi");

    private readonly Channel<Pending> waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly ILogger<GroupCommit> logger;
    private readonly StagesOnlyMessages stagesOnly;
    private readonly Lazy<Task> loop;

    private readonly Observability.OpsMetrics? metrics;

    public GroupCommit(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, StagesOnlyMessages stagesOnly,
        ILogger<GroupCommit> logger, IServiceProvider services)
    {
        (this.scopes, this.clock, this.stagesOnly, this.logger) = (scopes, clock, stagesOnly, logger);
        // The service's instruments, when it has its operations side (every service does; a bare host may not).
        metrics = services.GetService<Observability.OpsMetrics>();
        Enabled = configuration.GetValue(EnabledKey, true);
        loop = new Lazy<Task>(() =>
        {
            // The loop is nobody's child: it must not carry the first message's trace (or its cancellation) for ever.
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(Run);
            }
        });
    }

    public bool Enabled { get; }

    /// <summary>
    /// Whether messages of this type are committed in groups: group commits are on, and the type's one consumer in this
    /// service commits in groups (<see cref="ICommitsInGroups"/>; with another consumer of the same message, that one
    /// stages into the message's own session, which the idempotency filter commits).
    /// </summary>
    public bool Takes(Type messageType) => Enabled && stagesOnly.CommitsInGroups(messageType);

    /// <summary>
    /// Stages the message with <paramref name="stage"/> (given the group's scope: its Marten session and services) in a
    /// group's transaction with its id, and returns once that has committed; throws what its own transaction threw.
    /// <paramref name="alone"/>: in a transaction of its own, still in turn with the others (its staging may read
    /// documents no key names). <paramref name="want"/> names, before any message of the group is staged, what its
    /// staging will read, to the scope's <see cref="IGroupReads"/>, which read it all at once.
    /// </summary>
    public Task Apply(Guid messageId, string messageType, object key, bool alone, Action<IServiceProvider> want,
        Func<IServiceProvider, CancellationToken, Task> stage, CancellationToken ct)
    {
        var pending = new Pending(messageId, messageType, key, alone, want, stage, Activity.Current?.Context ?? default);
        if (!waiting.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit), "The service is stopping.");
        }
        _ = loop.Value;
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task Run()
    {
        var carried = new List<Pending>();
        while (carried.Count > 0 || await waiting.Reader.WaitToReadAsync())
        {
            var group = new List<Pending>();
            var keys = new HashSet<object>();
            var next = new List<Pending>();
            var closed = false;
            void Take(Pending pending)
            {
                if (closed || group.Count >= MaxGroup || (pending.Alone && group.Count > 0) || !keys.Add(pending.Key))
                {
                    next.Add(pending);
                    return;
                }
                group.Add(pending);
                closed = pending.Alone;
            }
            foreach (var pending in carried)
            {
                Take(pending);
            }
            while (!closed && group.Count < MaxGroup && waiting.Reader.TryRead(out var pending))
            {
                Take(pending);
            }
            carried = next;
            if (group.Count == 0)
            {
                continue;
            }
            try
            {
                await CommitGroup(group);
            }
            catch (Exception e)
            {
                // Never here (each message's failure is its own), but the loop must outlive anything.
                logger.LogError(e, "A group of {Count} messages failed outside its messages", group.Count);
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task CommitGroup(List<Pending> group)
    {
        if (group.Count == 1)
        {
            await CommitAlone(group[0]);
            return;
        }
        using var activity = Source.StartActivity($"group commit {group.Count}", ActivityKind.Internal, parentContext: default,
            links: [.. group.Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace))]);
        activity?.SetTag("jlt.group.size", group.Count);
        try
        {
            await Commit(group);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "A group of {Count} messages did not commit: each is applied alone", group.Count);
            activity?.SetTag("jlt.group.alone", true);
            metrics?.GroupCommitted(group.Count, split: true);
            foreach (var pending in group)
            {
                await CommitAlone(pending);
            }
            return;
        }
        foreach (var pending in group)
        {
            pending.Done.TrySetResult();
        }
    }

    private async Task CommitAlone(Pending pending)
    {
        // In the message's own trace, as when each message committed inside its consumer.
        using var activity = Source.StartActivity($"{pending.MessageType} commit", ActivityKind.Internal, pending.Trace);
        try
        {
            await Commit([pending]);
            pending.Done.TrySetResult();
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    private async Task Commit(IReadOnlyList<Pending> group)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var now = clock.GetUtcNow();
        // A stalled database must not hold the group for ever: the command timeout ends each statement; 60 s is a bound.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var pending in group)
        {
            pending.Want(scope.ServiceProvider);
        }
        var reads = scope.ServiceProvider.GetServices<IGroupReads>().ToList();
        foreach (var read in reads)
        {
            await read.ReadAsync(session, timeout.Token);
        }
        foreach (var pending in group)
        {
            await pending.Stage(scope.ServiceProvider, timeout.Token);
            // A message its consumer found applied before, in what the group read (a redelivery): its stage did nothing,
            // and its id is stored already.
            if (!reads.Any(r => r.AlreadyApplied(pending.MessageId)))
            {
                session.Insert(new ProcessedMessage { Id = pending.MessageId, MessageType = pending.MessageType, ProcessedAt = now });
            }
        }
        await session.SaveChangesAsync(timeout.Token);
        metrics?.GroupCommitted(group.Count, split: false);
    }

    public async ValueTask DisposeAsync()
    {
        waiting.Writer.TryComplete();
        if (loop.IsValueCreated)
        {
            await loop.Value;
        }
    }

    private sealed record Pending(Guid MessageId, string MessageType, object Key, bool Alone, Action<IServiceProvider> Want,
        Func<IServiceProvider, CancellationToken, Task> Stage, ActivityContext Trace)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// Reads, in a group's session and before any of its messages is staged, what the messages said they will read
/// (<see cref="GroupCommit.Apply"/>): one round trip for many. Scoped: one per group.
/// </summary>
public interface IGroupReads
{
    Task ReadAsync(IDocumentSession session, CancellationToken ct);

    /// <summary>
    /// Whether what was read shows the message applied before (its id stored; the relay reads that in its hand-over
    /// read): its consumer then stages nothing, and the group does not store its id again (which would fail the group).
    /// </summary>
    bool AlreadyApplied(Guid messageId) => false;
}

/// <summary>
/// How many messages of this service are applied at once in transactions of their own
/// (<see cref="MessagingExtensions.ConcurrentMessageLimitKey"/>, 8 by default): the idempotency filter takes a place
/// here for every message but those that commit in groups, which hold no connection while they wait for their group.
/// With group commits on, the endpoint itself takes as many messages at once as it prefetches (32), so that a group can
/// hold more than 8, and this bounds the rest as the endpoint's limit did.
/// </summary>
public sealed class OwnTransactions(int limit)
{
    private readonly SemaphoreSlim places = new(Math.Max(limit, 1));

    public bool Bounded { get; } = limit > 0;

    public Task Enter(CancellationToken ct) => Bounded ? places.WaitAsync(ct) : Task.CompletedTask;

    public void Leave()
    {
        if (Bounded)
        {
            places.Release();
        }
    }
}

/// <summary>
/// Set by a consumer that committed its message itself (through <see cref="GroupCommit"/>, with its id): the idempotency
/// filter then commits nothing of its own. Or set by a consumer that found its message applied already
/// (<see cref="IChecksItsId"/>): the filter drops what it staged and skips it. Scoped: one per message.
/// </summary>
public sealed class ConsumerCommitted
{
    public bool Committed { get; set; }

    public bool AlreadyApplied { get; set; }
}
