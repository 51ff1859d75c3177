using System.Collections.Concurrent;
using System.Threading.Channels;
using JasperFx;
using JasperFx.Events;
using JiaoLianTi.Platform.Http;
using Marten;
using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.Activities;

/// <summary>
/// The one writer of a stream of <typeparamref name="TState"/> in this process (group commit): an activity with its
/// registrations, an after-school programme with its enrolments. Thousands of parents registering at once for one
/// activity would, each appending on its own with optimistic concurrency, mostly fail and retry (every append moves
/// the stream's version). Instead every command on a stream waits in that stream's lane; the lane takes what has
/// gathered (up to <see cref="MaxBatch"/>), loads the stream once, decides each command in arrival order against the
/// evolving state, and appends all their events in one transaction. Another replica doing the same for the same
/// stream makes the commit fail with Marten's concurrency exception: the batch is then decided again against the
/// fresh state, so callers never see that conflict. So "never overbook" is a property of one stream.
/// </summary>
/// <param name="missing">The refusal when there is no such stream (a 404 in the service's words).</param>
public class GroupCommitWriter<TState>(IDocumentStore store, ILogger logger, Func<Guid, Exception> missing) : IDisposable
    where TState : class
{
    /// <remarks>A commit's cost here hardly grows with its size (measured: 7 commands and 400 commands both took about a
    /// second on the loaded test machine), so under a storm the larger the batch, the more registrations per second.</remarks>
    public const int MaxBatch = 1000;
    private const int MaxAttempts = 50;

    /// <summary>A lane with nothing to do for this long retires; the next command for the stream starts a new one.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<Guid, Lazy<Lane>> lanes = new();
    private long retries;

    /// <summary>How many batches were decided again because another writer committed to their stream first.</summary>
    public long Retries => Interlocked.Read(ref retries);
    private readonly CancellationTokenSource stopping = new();

    /// <summary>
    /// Queues <paramref name="decide"/> for the stream; completes once its events are committed, with what
    /// <paramref name="answer"/> reads from the state right after them (or with the refusal the decision threw).
    /// </summary>
    public Task<TAnswer> Submit<TAnswer>(
        Guid streamId, Func<TState, IReadOnlyList<object>> decide, Func<TState, IReadOnlyList<object>, TAnswer> answer)
    {
        var work = new Work<TAnswer>(decide, answer, System.Diagnostics.Activity.Current?.Id);
        // A lane that has just retired refuses the work: the next turn finds (or starts) its successor.
        while (!lanes.GetOrAdd(streamId, id => new Lazy<Lane>(() => new Lane(id, this))).Value.TryEnqueue(work))
        {
            if (stopping.IsCancellationRequested)
            {
                work.Fail(new OperationCanceledException("The service is stopping."));
                break;
            }
        }
        return work.Task;
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private abstract class WorkItem
    {
        public abstract string? TraceParent { get; }
        public abstract IReadOnlyList<object> Decide(TState state);
        public abstract Action Completion(TState after, IReadOnlyList<object> events);
        public abstract void Fail(Exception error);
    }

    private sealed class Work<TAnswer>(
        Func<TState, IReadOnlyList<object>> decide, Func<TState, IReadOnlyList<object>, TAnswer> answer, string? traceParent)
        : WorkItem
    {
        private readonly TaskCompletionSource<TAnswer> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<TAnswer> Task => completion.Task;
        public override string? TraceParent => traceParent;
        public override IReadOnlyList<object> Decide(TState state) => decide(state);

        public override Action Completion(TState after, IReadOnlyList<object> events)
        {
            var result = answer(after, events);
            return () => completion.TrySetResult(result);
        }

        public override void Fail(Exception error) => completion.TrySetException(error);
    }

    private sealed class Lane
    {
        private readonly Guid streamId;
        private readonly GroupCommitWriter<TState> writer;
        private readonly Channel<WorkItem> queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

        public Lane(Guid streamId, GroupCommitWriter<TState> writer)
        {
            this.streamId = streamId;
            this.writer = writer;
            _ = Task.Run(RunAsync);
        }

        public bool TryEnqueue(WorkItem work) => queue.Writer.TryWrite(work);

        private async Task RunAsync()
        {
            var ct = writer.stopping.Token;
            var batch = new List<WorkItem>(MaxBatch);
            try
            {
                while (await WaitOrRetireAsync(ct))
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && queue.Reader.TryRead(out var work))
                    {
                        batch.Add(work);
                    }
                    await writer.CommitAsync(streamId, batch, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                foreach (var work in batch)
                {
                    work.Fail(new OperationCanceledException("The service is stopping."));
                }
            }
        }

        /// <summary>
        /// True when there is work. After <see cref="IdleTimeout"/> without any, the lane leaves the writer's table and
        /// takes no more work; what slipped in before that is still committed, then the loop ends.
        /// </summary>
        private async Task<bool> WaitOrRetireAsync(CancellationToken ct)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            idle.CancelAfter(IdleTimeout);
            try
            {
                return await queue.Reader.WaitToReadAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                if (writer.lanes.TryGetValue(streamId, out var current) && current.IsValueCreated && current.Value == this)
                {
                    writer.lanes.TryRemove(KeyValuePair.Create(streamId, current));
                }
                queue.Writer.TryComplete();
                return await queue.Reader.WaitToReadAsync(ct);
            }
        }
    }

    private async Task CommitAsync(Guid streamId, List<WorkItem> batch, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                if (batch[0].TraceParent is { } trace)
                {
                    session.SetHeader("traceparent", trace);
                }
                var stream = await session.Events.FetchForWriting<TState>(streamId, ct);
                var fetched = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (stream.Aggregate is not { } state)
                {
                    var refusal = missing(streamId);
                    batch.ForEach(w => w.Fail(refusal));
                    return;
                }

                var completions = new List<Action>(batch.Count);
                var appended = 0;
                foreach (var work in batch)
                {
                    try
                    {
                        var events = work.Decide(state);
                        foreach (var @event in events)
                        {
                            state = Evolution<TState>.Apply(state, @event);
                        }
                        if (events.Count > 0)
                        {
                            stream.AppendMany(events.ToArray());
                            appended += events.Count;
                        }
                        completions.Add(work.Completion(state, events));
                    }
                    catch (Exception refusal) when (refusal is RuleViolation or NotFoundException or StaleVersion
                        or ForbiddenException or ValidationFailed or PreconditionRequired)
                    {
                        completions.Add(() => work.Fail(refusal));
                    }
                }
                var decided = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (appended > 0)
                {
                    await session.SaveChangesAsync(ct);
                }
                completions.ForEach(complete => complete());
                if (attempt > 1 || batch.Count > 1)
                {
                    logger.LogDebug("{State} {StreamId}: {Commands} command(s), {Events} event(s) in one commit (attempt {Attempt}); fetched {Fetched} ms, decided {Decided} ms, committed {Committed} ms",
                        typeof(TState).Name, streamId, batch.Count, appended, attempt, (int)fetched.TotalMilliseconds, (int)decided.TotalMilliseconds,
                        (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                return;
            }
            catch (Exception conflict) when (conflict is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
                && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                // Another replica committed to this stream in between: decide the batch again on the fresh state.
                Interlocked.Increment(ref retries);
                logger.LogInformation("写入冲突，重试 / {State} {StreamId} changed underneath a batch of {Count}; retrying (attempt {Attempt})",
                    typeof(TState).Name, streamId, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(attempt, 10))), ct);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "写入失败 / Writing {State} {StreamId} failed", typeof(TState).Name, streamId);
                batch.ForEach(w => w.Fail(error));
                return;
            }
        }
    }
}
