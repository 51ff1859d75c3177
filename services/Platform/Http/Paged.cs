using Marten;
using Marten.Linq;

namespace JiaoLianTi.Platform.Http;

public static class Paged
{
    /// <summary>Runs the query for one page and the total in one round trip.</summary>
    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, Paging paging, CancellationToken ct) where T : notnull
    {
        var items = await query
            .Stats(out QueryStatistics stats)
            .Skip(paging.Skip)
            .Take(paging.PageSize)
            .ToListAsync(ct);
        return new Page<T>(items, paging.PageNumber, paging.PageSize, stats.TotalResults);
    }

    /// <summary>
    /// One page, ordered by <paramref name="order"/>, and the total counted by a statement of its own: for a list that
    /// can hold very many rows and has an index in its order. Counted beside the page (<see cref="ToPageAsync{T}"/>,
    /// <c>count(*) over ()</c>), every matching row is read and sorted for each page, and the index is of no use.
    /// </summary>
    public static async Task<Page<T>> ToPageCountedApartAsync<T>(this IQueryable<T> query,
        Func<IQueryable<T>, IQueryable<T>> order, Paging paging, CancellationToken ct) where T : notnull
    {
        var total = await query.CountAsync(ct);
        var items = await order(query).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<T>(items, paging.PageNumber, paging.PageSize, total);
    }
}
