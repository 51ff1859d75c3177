using JiaoLianTi.Alliances.Contracts;
using Marten;

namespace JiaoLianTi.Platform.AlliancesReplica;

/// <summary>What services ask of the replica, written once.</summary>
public static class ReplicaQueries
{
    /// <summary>The school with that unit id, or null when Alliances has not announced it (or it is no school).</summary>
    public static async Task<KnownUnit?> SchoolAsync(this IQuerySession session, Guid schoolId, CancellationToken ct)
    {
        var unit = await session.LoadAsync<KnownUnit>(schoolId, ct);
        return unit?.Kind == MemberUnitKinds.School ? unit : null;
    }

    /// <summary>
    /// The names of units (schools included) and alliances by id, as the replica knows them, for lists that show a name
    /// beside each id. An id the replica does not know is left out (the list shows null).
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(this IQuerySession session, IEnumerable<Guid?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<Guid>().Distinct().ToArray();
        if (wanted.Length == 0)
        {
            return new Dictionary<Guid, string>();
        }
        var names = (await session.LoadManyAsync<KnownUnit>(ct, wanted)).ToDictionary(u => u.Id, u => u.Name);
        var rest = wanted.Where(id => !names.ContainsKey(id)).ToArray();
        foreach (var alliance in rest.Length == 0 ? [] : await session.LoadManyAsync<KnownAlliance>(ct, rest))
        {
            names[alliance.Id] = alliance.Name;
        }
        return names;
    }

    /// <summary>The alliances, not dissolved, of which the unit is a member now (as member or as lead).</summary>
    public static async Task<IReadOnlyList<Guid>> AlliancesOfAsync(this IQuerySession session, Guid unitId, CancellationToken ct)
    {
        var joined = (await session.Query<KnownMembership>().Where(m => m.UnitId == unitId && m.Active)
            .Select(m => m.AllianceId).ToListAsync(ct)).Distinct().ToArray();
        return await NotDissolvedAsync(session, joined, ct);
    }

    /// <summary>
    /// The memberships now active in those alliances (of the given unit kinds, or all), the earliest to join first.
    /// Alliances dissolved meanwhile are left out even if a membership's end has not been recorded yet.
    /// </summary>
    public static async Task<IReadOnlyList<KnownMembership>> MembersOfAsync(
        this IQuerySession session, IReadOnlyCollection<Guid> allianceIds, IReadOnlyCollection<string>? unitKinds, CancellationToken ct)
    {
        if (allianceIds.Count == 0)
        {
            return [];
        }
        var active = (await NotDissolvedAsync(session, allianceIds, ct)).ToArray();
        var query = session.Query<KnownMembership>().Where(m => m.Active && active.Contains(m.AllianceId));
        if (unitKinds is not null)
        {
            var kinds = unitKinds.ToArray();
            query = query.Where(m => kinds.Contains(m.UnitKind));
        }
        return (await query.ToListAsync(ct)).OrderBy(m => m.JoinedAt).ThenBy(m => m.UnitId).ToList();
    }

    private static async Task<IReadOnlyList<Guid>> NotDissolvedAsync(IQuerySession session, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var candidates = ids.ToArray();
        var dissolved = (await session.Query<KnownAlliance>()
                .Where(a => candidates.Contains(a.Id) && a.Status == KnownAllianceStatus.Dissolved)
                .Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        return candidates.Where(id => !dissolved.Contains(id)).ToList();
    }
}
