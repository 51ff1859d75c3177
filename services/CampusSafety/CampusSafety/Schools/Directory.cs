using JiaoLianTi.CampusSafety.Contracts;
using Marten;
using Kinds = JiaoLianTi.Alliances.Contracts.MemberUnitKinds;

namespace JiaoLianTi.CampusSafety.Schools;

/// <summary>A member unit as Alliances announced it (MemberUnitRegistered): schools, police stations, traffic police ...</summary>
public sealed class KnownUnit
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string CountyCode { get; set; } = "";
}

/// <summary>One alliance and its members as Alliances announced them: who serves which school.</summary>
public sealed class KnownAlliance
{
    public Guid Id { get; set; }
    public string CountyCode { get; set; } = "";
    public bool Dissolved { get; set; }
    public List<KnownMember> Members { get; set; } = [];
    /// <summary>Unit ids of the members, for querying which alliances a school is in.</summary>
    public List<Guid> UnitIds { get; set; } = [];
}

public sealed record KnownMember(Guid UnitId, string UnitKind, string Role, DateTimeOffset JoinedAt);

/// <summary>The units of a school's alliances that serve it, by kind.</summary>
public sealed record ServingUnit(Guid UnitId, string Kind, string Name, Guid AllianceId);

/// <summary>Who serves which school, read from CampusSafety's own copy of Alliances' events.</summary>
public static class Directory
{
    /// <summary>
    /// 按类型分派: which member unit kind answers for which hazard kind. Construction near a school is mostly road
    /// works on the way to school, so traffic police take it; what fits nowhere goes to the police station, the
    /// school's general first responder (警校共育).
    /// </summary>
    public static string ResponsibleKind(string hazardKind) => hazardKind switch
    {
        HazardKinds.Traffic => Kinds.TrafficPolice,
        HazardKinds.VendorsAndFood => Kinds.MarketRegulator,
        HazardKinds.Security => Kinds.PoliceStation,
        HazardKinds.Construction => Kinds.TrafficPolice,
        _ => Kinds.PoliceStation,
    };

    public static readonly string[] ServingKinds = [Kinds.PoliceStation, Kinds.TrafficPolice, Kinds.MarketRegulator];

    public static Task<KnownUnit?> School(this IQuerySession session, Guid schoolId, CancellationToken ct) =>
        session.Query<KnownUnit>().Where(u => u.Id == schoolId && u.Kind == Kinds.School).FirstOrDefaultAsync(ct);

    /// <summary>
    /// The police station, traffic police and market regulator units of every established alliance the school has
    /// joined (as a member or as its lead), the earliest to join first.
    /// </summary>
    public static async Task<IReadOnlyList<ServingUnit>> ServingUnits(this IQuerySession session, Guid schoolId, CancellationToken ct)
    {
        var alliances = await session.Query<KnownAlliance>()
            .Where(a => !a.Dissolved && a.UnitIds.Contains(schoolId)).ToListAsync(ct);
        var members = alliances
            .SelectMany(a => a.Members.Where(m => ServingKinds.Contains(m.UnitKind)).Select(m => (a.Id, m)))
            .OrderBy(x => x.m.JoinedAt).ThenBy(x => x.m.UnitId)
            .ToList();
        var ids = members.Select(x => x.m.UnitId).Distinct().ToArray();
        var names = ids.Length == 0
            ? new Dictionary<Guid, string>()
            : (await session.Query<KnownUnit>().Where(u => ids.Contains(u.Id)).ToListAsync(ct)).ToDictionary(u => u.Id, u => u.Name);
        return members
            .DistinctBy(x => x.m.UnitId)
            .Select(x => new ServingUnit(x.m.UnitId, x.m.UnitKind, names.GetValueOrDefault(x.m.UnitId, ""), x.Id))
            .ToList();
    }

    /// <summary>The unit that answers for a hazard of <paramref name="hazardKind"/> at the school, or null if its alliances have none.</summary>
    public static async Task<ServingUnit?> ResponsibleUnit(this IQuerySession session, Guid schoolId, string hazardKind, CancellationToken ct)
    {
        var kind = ResponsibleKind(hazardKind);
        return (await session.ServingUnits(schoolId, ct)).FirstOrDefault(u => u.Kind == kind);
    }
}
