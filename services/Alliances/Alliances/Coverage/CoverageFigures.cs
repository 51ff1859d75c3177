using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Units;
using Marten;

namespace JiaoLianTi.Alliances.Coverage;

/// <summary>A county's alliance and the status it had at the report's moment.</summary>
public sealed record AllianceAsOf(string CountyCode, AllianceKind Kind, AllianceStatus? Status);

/// <summary>How many of something a county had (of one unit kind, for members).</summary>
public sealed record CountyCount(string CountyCode, MemberUnitKind? Kind, int Count);

/// <summary>
/// The coverage figures of a region as of a moment, counted in PostgreSQL: a province holds tens of thousands of
/// memberships, and loading them (and every alliance's member list) into the service only to count them was most of
/// a report's time on the large seed. Reads the inline read models' tables (schema jlt): memberships by
/// their duplicated columns (Extensions.cs), the smaller tables by each row's JSON as Marten stores it (camelCase,
/// enums as names, times as ISO 8601 text).
/// </summary>
public sealed record CoverageFigures(
    IReadOnlyList<AllianceAsOf> Alliances, IReadOnlyList<CountyCount> Members, IReadOnlyList<CountyCount> Resources,
    IReadOnlyList<CountyCount> OpenNeeds, IReadOnlyList<CountyCount> Overdue)
{
    public static async Task<CoverageFigures> LoadAsync(IQuerySession session, string region, DateTimeOffset asOf, CancellationToken ct)
    {
        var stable = await LoadStableAsync(session, region, asOf, ct);
        return stable with { Overdue = await OverdueAsync(session, region, asOf, ct) };
    }

    /// <summary>
    /// The figures that change only with the store (so <see cref="CoverageSnapshots"/> may keep them): all but the
    /// overdue responsibilities, which the passing of a deadline changes too (<see cref="OverdueAsync"/>).
    /// </summary>
    public static async Task<CoverageFigures> LoadStableAsync(IQuerySession session, string region, DateTimeOffset asOf, CancellationToken ct)
    {
        var prefix = region + "%";
        var at = asOf.ToUniversalTime();
        var alliances = await AlliancesAsync(session, region, asOf, ct);
        var members = await session.QueryAsync<CountyCount>("""
            select json_build_object('countyCode', c, 'kind', k, 'count', n) from (
              select county_code c, unit_kind k, count(distinct unit_id) n
              from jlt.mt_doc_membership
              where county_code like ? and joined_at <= ? and (left_at is null or left_at > ?)
              group by 1, 2) t
            """, ct, prefix, at, at);
        var resources = await Count(session, "mt_doc_resource",
            "(data->>'publishedAt')::timestamptz <= ? and (data->>'withdrawnAt' is null or (data->>'withdrawnAt')::timestamptz > ?)",
            prefix, at, ct, at, at);
        var needs = await Count(session, "mt_doc_need",
            "(data->>'raisedAt')::timestamptz <= ? and (data->>'resolvedAt' is null or (data->>'resolvedAt')::timestamptz > ?) "
            + "and (data->>'closedAt' is null or (data->>'closedAt')::timestamptz > ?)",
            prefix, at, ct, at, at, at);
        return new CoverageFigures(alliances, members, resources, needs, []);
    }

    /// <summary>
    /// Overdue responsibilities per county as of the moment: it follows from the deadline itself (no record of when the
    /// check ran is needed), so the passing of time changes it without any event.
    /// </summary>
    public static Task<IReadOnlyList<CountyCount>> OverdueAsync(IQuerySession session, string region, DateTimeOffset asOf, CancellationToken ct)
    {
        var at = asOf.ToUniversalTime();
        return Count(session, "mt_doc_responsibility",
            "(data->>'deadline')::timestamptz <= ? and (data->>'doneAt' is null or (data->>'doneAt')::timestamptz > ?)",
            region + "%", at, ct, at, at);
    }

    /// <summary>
    /// The first deadline after the moment of a responsibility of the region not done by then: until it passes, the
    /// overdue figures as of now stay what they are (unless an event changes them). Null when there is none.
    /// </summary>
    public static async Task<DateTimeOffset?> NextDeadlineAsync(IQuerySession session, string region, DateTimeOffset asOf, CancellationToken ct)
    {
        var at = asOf.ToUniversalTime();
        var next = await session.QueryAsync<NextDeadline>("""
            select json_build_object('at', min((data->>'deadline')::timestamptz)) from jlt.mt_doc_responsibility
            where data->>'countyCode' like ? and (data->>'deadline')::timestamptz > ?
              and (data->>'doneAt' is null or (data->>'doneAt')::timestamptz > ?)
            """, ct, region + "%", at, at);
        return next.Count == 0 ? null : next[0].At;
    }

    private sealed record NextDeadline(DateTimeOffset? At);

    /// <summary>Each alliance of the region with the status it had at <paramref name="asOf"/> (null: not yet proposed).</summary>
    public static Task<IReadOnlyList<AllianceAsOf>> AlliancesAsync(IQuerySession session, string region, DateTimeOffset asOf, CancellationToken ct) =>
        session.QueryAsync<AllianceAsOf>("""
            select json_build_object('countyCode', d.data->>'countyCode', 'kind', d.data->>'kind', 'status',
              (select h->>'status' from jsonb_array_elements(d.data->'history') with ordinality as x(h, n)
               where (h->>'at')::timestamptz <= ? order by (h->>'at')::timestamptz desc, n desc limit 1))
            from jlt.mt_doc_alliance d where d.data->>'countyCode' like ?
            """, ct, asOf.ToUniversalTime(), region + "%");

    /// <summary>How many counties had an established regional alliance at <paramref name="asOf"/> (each county once).</summary>
    public static async Task<int> EstablishedCountiesAsync(IQuerySession session, string region, DateTimeOffset asOf, CancellationToken ct) =>
        (await AlliancesAsync(session, region, asOf, ct))
            .Where(a => a.Kind == AllianceKind.Regional && a.Status == AllianceStatus.Established)
            .Select(a => a.CountyCode).Distinct().Count();

    private static Task<IReadOnlyList<CountyCount>> Count(
        IQuerySession session, string table, string condition, string prefix, DateTimeOffset at, CancellationToken ct,
        params object[] conditionParameters) =>
        session.QueryAsync<CountyCount>(
            $"select json_build_object('countyCode', c, 'count', n) from (select data->>'countyCode' c, count(*) n from jlt.{table} "
            + $"where data->>'countyCode' like ? and {condition} group by 1) t",
            ct, [prefix, .. conditionParameters]);
}
