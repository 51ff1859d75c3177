using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.Http;
using Marten;

namespace JiaoLianTi.Alliances;

/// <summary>
/// Lists show the names a person needs beside the ids (README, "Not yours"): the unit's, the school's and the alliance's,
/// read from this service's own documents for the ids of one page. The names are answered, never stored with the
/// record (the fields stay null in the store; a rename shows at once).
/// </summary>
public static class Names
{
    public static async Task<IReadOnlyDictionary<Guid, string>> LoadAsync(IQuerySession session, IEnumerable<Guid?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<Guid>().Distinct().ToArray();
        var names = new Dictionary<Guid, string>();
        if (wanted.Length == 0)
        {
            return names;
        }
        // The names only, in one round trip: loading the documents took two (units, then alliances), and an alliance's
        // document (with its members, 16 KB for a county's regional alliance) was unpacked and read whole for its name.
        // The alliance's name is a column of its own (Extensions.cs), so its document is not touched.
        var schema = session.DocumentStore.Options.Schema;
        var rows = await session.QueryAsync<NameRow>(
            $"select json_build_object('id', id, 'name', data ->> 'name') from {schema.For<MemberUnit>()} where id = any(?) "
            + $"union all select json_build_object('id', id, 'name', name) from {schema.For<Alliance>()} where id = any(?)",
            ct, wanted, wanted);
        foreach (var row in rows)
        {
            names.TryAdd(row.Id, row.Name);
        }
        return names;
    }

    private sealed record NameRow(Guid Id, string Name);

    public static async Task<Page<Need>> NamedAsync(this Page<Need> page, IQuerySession session, CancellationToken ct)
    {
        var names = await LoadAsync(session, page.Items.SelectMany(n => new[] { n.AllianceId, n.SchoolId, n.MatchedUnitId }), ct);
        return page.Map(n => n with
        {
            AllianceName = names.GetValueOrDefault(n.AllianceId),
            SchoolName = names.GetValueOrDefault(n.SchoolId),
            MatchedUnitName = n.MatchedUnitId is { } unit ? names.GetValueOrDefault(unit) : null,
        });
    }

    public static async Task<Page<Responsibility>> NamedAsync(this Page<Responsibility> page, IQuerySession session, CancellationToken ct)
    {
        var names = await LoadAsync(session, page.Items.SelectMany(r => new Guid?[] { r.AllianceId, r.UnitId }), ct);
        return page.Map(r => r with { AllianceName = names.GetValueOrDefault(r.AllianceId), UnitName = names.GetValueOrDefault(r.UnitId) });
    }

    public static async Task<Page<Resource>> NamedAsync(this Page<Resource> page, IQuerySession session, CancellationToken ct)
    {
        var names = await LoadAsync(session, page.Items.SelectMany(r => new Guid?[] { r.AllianceId, r.UnitId }), ct);
        return page.Map(r => r with { AllianceName = names.GetValueOrDefault(r.AllianceId), UnitName = names.GetValueOrDefault(r.UnitId) });
    }

    public static async Task<Page<Membership>> NamedAsync(this Page<Membership> page, IQuerySession session, CancellationToken ct)
    {
        var names = await LoadAsync(session, page.Items.Select(m => (Guid?)m.UnitId), ct);
        return page.Map(m => m with { UnitName = names.GetValueOrDefault(m.UnitId) });
    }
}
