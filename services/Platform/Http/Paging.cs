namespace JiaoLianTi.Platform.Http;

/// <summary>One page of a list. Pages count from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total)
{
    /// <summary>The same page with each item shown as <paramref name="show"/> shows it.</summary>
    public Page<TView> Map<TView>(Func<T, TView> show) => With(Items.Select(show).ToList());

    /// <summary>The same page holding <paramref name="items"/>, made for this page's items (same count, same order).</summary>
    public Page<TView> With<TView>(IReadOnlyList<TView> items) => new(items, PageNumber, PageSize, Total);
}

/// <summary>Query-string paging: <c>?page=1&amp;pageSize=50</c>, at most 500 a page.</summary>
public readonly record struct Paging(int PageNumber, int PageSize)
{
    public const int MaxPageSize = 500;
    /// <summary>Far past any list's end, and small enough that (page - 1) × pageSize cannot overflow.</summary>
    public const int MaxPage = 1_000_000;

    public static Paging From(int? page, int? pageSize)
    {
        new Validation()
            .Check(page is null or (>= 1 and <= MaxPage), "page", $"须在 1 到 {MaxPage} 之间 / must be between 1 and {MaxPage}")
            .Check(pageSize is null or (>= 1 and <= MaxPageSize), "pageSize", $"须在 1 到 {MaxPageSize} 之间 / must be between 1 and {MaxPageSize}")
            .ThrowIfInvalid();
        return new Paging(page ?? 1, pageSize ?? 50);
    }

    /// <summary>How many items come before this page.</summary>
    public int Skip => (PageNumber - 1) * PageSize;

    /// <summary>This page of a list already in memory (a list computed, not queried).</summary>
    public Page<T> Of<T>(IReadOnlyList<T> all) =>
        new(all.Skip(Skip).Take(PageSize).ToList(), PageNumber, PageSize, all.Count);
}
