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
            .Skip((paging.PageNumber - 1) * paging.PageSize)
            .Take(paging.PageSize)
            .ToListAsync(ct);
        return new Page<T>(items, paging.PageNumber, paging.PageSize, stats.TotalResults);
    }
}
