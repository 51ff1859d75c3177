using JasperFx;
using JasperFx.Events;
using JiaoLianTi.Platform.Http;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>
/// The one write step of every command: load → authorise → decide → append → answer. An endpoint validates its body,
/// then hands this the stream id, who may act (<c>authorise</c>, on the state just loaded), and the pure decision;
/// this appends what was decided in one transaction and answers the state as it now is, with its new ETag.
/// </summary>
/// <remarks>
/// The order every service shares: 404 (no such stream) → 403 (the caller may not act) → 428 (no If-Match) →
/// 412 (If-Match older than the stream) → the decider's 409 → append (412 again if someone else appended meanwhile).
/// Activities' group commit (its ActivityWriter) keeps its own batched append but the same pieces: If-Match from
/// <see cref="Versions.ExpectedVersion"/>, <see cref="StaleVersion"/> and the answers in <see cref="Versions"/>.
/// </remarks>
public static class StreamWrites
{
    /// <summary>
    /// A command on an existing stream; answers 200 with the stream's document (<typeparamref name="T"/> is an inline
    /// snapshot) as <paramref name="answer"/> shows it. <paramref name="stage"/> adds what the events set off to the
    /// same transaction (another stream, a document, erasing a key). <paramref name="inMemory"/>: answer from the
    /// state evolved by <see cref="Evolution{T}"/> instead of reading it again (a hot path). <paramref name="missing"/>:
    /// the refusal when there is no such stream (404 by default).
    /// </summary>
    public static async Task<Ok<TAnswer>> Change<T, TAnswer>(
        this IDocumentSession session, HttpContext http, Guid id, Action<T>? authorise,
        Func<T, Task<IReadOnlyList<object>>> decide, Func<T, TAnswer> answer, CancellationToken ct,
        Func<T, IReadOnlyList<object>, Task>? stage = null, bool inMemory = false, Func<Exception>? missing = null)
        where T : class
    {
        // Marten refuses the empty GUID as a stream id (an exception, not an empty stream): no stream has it.
        var stream = id == Guid.Empty ? null : await session.Events.FetchForWriting<T>(id, ct);
        var state = stream?.Aggregate
            ?? throw (missing?.Invoke() ?? new NotFoundException($"未找到 / {typeof(T).Name} {id} was not found."));
        authorise?.Invoke(state);
        var expected = http.ExpectedVersion();
        if (stream!.CurrentVersion != expected)
        {
            throw new StaleVersion(typeof(T).Name);
        }
        var events = await decide(state);
        if (events.Count > 0)
        {
            // Marten checks at commit that nobody appended since the fetch: a race is a 412 as well.
            stream.AppendMany(events.ToArray());
            if (stage is not null)
            {
                await stage(state, events);
            }
            await session.SaveChangesAsync(ct);
        }
        var after = inMemory
            ? events.Aggregate(state, Evolution<T>.Apply)
            : await session.LoadAsync<T>(id, ct) ?? throw new NotFoundException($"未找到 / {typeof(T).Name} {id} was not found.");
        return http.Changed(answer(after), expected + events.Count);
    }

    /// <summary><see cref="Change{T,TAnswer}"/> with a decision that need not wait for anything.</summary>
    public static Task<Ok<TAnswer>> Change<T, TAnswer>(
        this IDocumentSession session, HttpContext http, Guid id, Action<T>? authorise,
        Func<T, IReadOnlyList<object>> decide, Func<T, TAnswer> answer, CancellationToken ct,
        Func<T, IReadOnlyList<object>, Task>? stage = null, bool inMemory = false, Func<Exception>? missing = null)
        where T : class
        => session.Change(http, id, authorise, state => Task.FromResult(decide(state)), answer, ct, stage, inMemory, missing);

    /// <summary><see cref="Change{T,TAnswer}"/> answering the document itself.</summary>
    public static Task<Ok<T>> Change<T>(
        this IDocumentSession session, HttpContext http, Guid id, Action<T>? authorise,
        Func<T, IReadOnlyList<object>> decide, CancellationToken ct) where T : class
        => session.Change(http, id, authorise, state => Task.FromResult(decide(state)), state => state, ct);

    /// <summary><see cref="Change{T}"/> with a decision that first loads what it needs.</summary>
    public static Task<Ok<T>> Change<T>(
        this IDocumentSession session, HttpContext http, Guid id, Action<T>? authorise,
        Func<T, Task<IReadOnlyList<object>>> decide, CancellationToken ct) where T : class
        => session.Change(http, id, authorise, decide, state => state, ct);

    /// <summary>
    /// A command that starts a stream (its id is new; the creating decision was already taken, authorised by the
    /// endpoint). Whatever else the endpoint staged in the session commits with it. Answers 201 at
    /// <paramref name="location"/> with the new document as <paramref name="answer"/> shows it, and ETag 1 + ….
    /// <paramref name="inMemory"/>: answer from the state <see cref="Evolution{T}.Start"/> builds from the events (as
    /// the inline snapshot just stored is) instead of reading it back: a round trip less (a hot path).
    /// </summary>
    public static async Task<Created<TAnswer>> Start<T, TAnswer>(
        this IDocumentSession session, HttpContext http, Guid id, IReadOnlyList<object> events, string location,
        Func<T, TAnswer> answer, CancellationToken ct, bool inMemory = false) where T : class
    {
        var version = await session.StartStream<T>(id, events, ct);
        var created = (inMemory ? Evolution<T>.Start(events) : null)
            ?? await session.LoadAsync<T>(id, ct) ?? throw new NotFoundException($"未找到 / {typeof(T).Name} {id} was not found.");
        return http.Created(location, answer(created), version);
    }

    /// <summary><see cref="Start{T,TAnswer}"/> answering the document itself.</summary>
    public static Task<Created<T>> Start<T>(
        this IDocumentSession session, HttpContext http, Guid id, IReadOnlyList<object> events, string location,
        CancellationToken ct, bool inMemory = false) where T : class
        => session.Start<T, T>(http, id, events, location, state => state, ct, inMemory);

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
    /// A service's own change, not a caller's (a periodic check): decide on the stream as it is now, append what was
    /// decided (and what <paramref name="stage"/> adds) in one transaction. No such stream, nothing decided, or another
    /// writer (a replica, a caller) appending first all give 0, and the next run looks again. Returns how many events
    /// were appended.
    /// </summary>
    public static async Task<int> Act<T>(
        this IDocumentSession session, Guid id, Func<T, IReadOnlyList<object>> decide, CancellationToken ct,
        Action<T, IReadOnlyList<object>>? stage = null) where T : class
    {
        var stream = await session.Events.FetchForWriting<T>(id, ct);
        if (stream.Aggregate is not { } state)
        {
            return 0;
        }
        var events = decide(state);
        if (events.Count == 0)
        {
            return 0;
        }
        stream.AppendMany(events.ToArray());
        stage?.Invoke(state, events);
        try
        {
            await session.SaveChangesAsync(ct);
            return events.Count;
        }
        catch (Exception e) when (e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
        {
            session.EjectAllPendingChanges();
            return 0;
        }
    }
}
