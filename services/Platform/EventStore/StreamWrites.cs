using JiaoLianTi.Platform.Http;
using Marten;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>The one way a command changes a stream: load at the expected version, decide, append, commit.</summary>
public static class StreamWrites
{
    /// <summary>
    /// Starts a new stream with the events its creating command decided. Returns the new stream version.
    /// </summary>
    public static async Task<long> StartStream<T>(
        this IDocumentSession session, Guid id, IReadOnlyList<object> events, CancellationToken ct) where T : class
    {
        session.Events.StartStream<T>(id, events.ToArray());
        await session.SaveChangesAsync(ct);
        return events.Count;
    }

    /// <summary>
    /// Loads <typeparamref name="T"/> at <paramref name="expectedVersion"/> (from If-Match), runs the pure decision and
    /// appends what it decided. A stale version throws Marten's concurrency exception, answered as 412.
    /// Returns the new stream version (the next ETag).
    /// </summary>
    public static async Task<long> Decide<T>(
        this IDocumentSession session, Guid id, long expectedVersion, Func<T, IReadOnlyList<object>> decide,
        CancellationToken ct) where T : class
    {
        var stream = await session.Events.FetchForWriting<T>(id, expectedVersion, ct);
        var aggregate = stream.Aggregate ?? throw new NotFoundException($"{typeof(T).Name} {id} was not found.");
        var events = decide(aggregate);
        if (events.Count == 0)
        {
            return expectedVersion;
        }

        stream.AppendMany(events.ToArray());
        await session.SaveChangesAsync(ct);
        return expectedVersion + events.Count;
    }
}
