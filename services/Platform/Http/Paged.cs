using Marten;

namespace JiaoLianTi.Platform.Http;

public static class Paged
{
    /// <summary>
    /// One page of an ordered query and the list's total. The page is read on its own (<c>limit</c>/<c>offset</c>, so an
    /// index in the query's order lets PostgreSQL stop after the page); the total is the page's own end when the page
    /// is the list's last (shorter than a page and not past the end: one round trip, as most lists are), and is
    /// otherwise counted by a statement of its own (Marten leaves the order out of a count).
    /// </summary>
    /// <remarks>
    /// Counted beside the page (<c>count(*) over ()</c>, Marten's <c>Stats</c>), every matching row was read, kept with
    /// its document and sorted for every page, and no index helped: at 7,000 activities of one county the calendar's
    /// page took PostgreSQL 31 ms, the page and the count apart 7 ms (docs/operations.md, 列表 Lists).
    /// </remarks>
    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, Paging paging, CancellationToken ct) where T : notnull
    {
        var items = await query.Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        long total = items.Count < paging.PageSize && (items.Count > 0 || paging.Skip == 0)
            ? paging.Skip + items.Count
            : await query.CountAsync(ct);
        return new Page<T>(items, paging.PageNumber, paging.PageSize, total);
    }
}
