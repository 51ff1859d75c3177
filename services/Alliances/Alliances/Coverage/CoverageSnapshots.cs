using System.Collections.Concurrent;
using Marten;

namespace JiaoLianTi.Alliances.Coverage;

/// <summary>
/// The coverage figures counted once per change of the store, not once per request (issue 19: a province's coverage
/// at p95 50 ms with 20 users on about 20,000 schools). Every figure comes from the inline read models, which change
/// only with an event appended in the same transaction; so figures counted when the store's highest event sequence
/// was N hold as long as it is still N. Each lookup reads that number (one index probe); a different number counts
/// again. Figures counted while another transaction was writing to this database (it may hold a lower sequence number
/// not yet visible) are answered but not kept, and no snapshot is kept longer than <see cref="MaxAge"/>.
/// Concurrent requests for the same figures share one count.
/// </summary>
public sealed class CoverageSnapshots
{
    /// <summary>The longest a snapshot is answered, whatever the store says.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 512;

    private sealed record Entry(long HighWater, long TakenAt, Task<object> Figures);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The figures under <paramref name="key"/> as of the store's present state. <paramref name="stillValid"/>, when
    /// given, is asked of kept figures too: figures that the passing of time changes (a deadline passed) say when.
    /// </summary>
    public async Task<T> GetAsync<T>(IQuerySession session, string key, Func<Task<T>> count, CancellationToken ct,
        Func<T, bool>? stillValid = null)
        where T : class
    {
        var state = (await session.QueryAsync<StoreState>(
            "select json_build_object('highWater', coalesce((select max(seq_id) from jlt.mt_events), 0), "
            + "'quiet', not exists (select 1 from pg_stat_activity where datname = current_database() "
            + "and backend_xid is not null and pid <> pg_backend_pid()))", ct))[0];
        var now = Environment.TickCount64;
        if (entries.TryGetValue(key, out var entry) && entry.HighWater == state.HighWater
            && now - entry.TakenAt < (long)MaxAge.TotalMilliseconds)
        {
            try
            {
                var kept = (T)await entry.Figures.WaitAsync(ct);
                if (stillValid is null || stillValid(kept))
                {
                    return kept;
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // A shared count that failed is counted again below by this request.
            }
        }
        if (!state.Quiet)
        {
            return await count();
        }
        var counting = CountAsync(count);
        var fresh = new Entry(state.HighWater, now, counting);
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }
        entries[key] = fresh;
        try
        {
            return (T)await counting.WaitAsync(ct);
        }
        catch
        {
            entries.TryRemove(new KeyValuePair<string, Entry>(key, fresh));
            throw;
        }
    }

    private static async Task<object> CountAsync<T>(Func<Task<T>> count) where T : class => await count();

    private sealed record StoreState(long HighWater, bool Quiet);
}
