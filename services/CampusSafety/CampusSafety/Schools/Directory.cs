using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.EventStore;
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

/// <summary>An alliance as Alliances announced it; a dissolved one routes nothing.</summary>
public sealed class KnownAlliance
{
    public Guid Id { get; set; }
    public string CountyCode { get; set; } = "";
    public bool Dissolved { get; set; }
}

/// <summary>
/// One unit's membership of one alliance (MemberJoined, until MemberLeft). A document of its own rather than a list
/// inside the alliance, so that members joining at the same moment never overwrite each other.
/// </summary>
public sealed class KnownMembership
{
    public Guid Id { get; set; }
    public Guid AllianceId { get; set; }
    public Guid UnitId { get; set; }
    public string UnitKind { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTimeOffset JoinedAt { get; set; }
    /// <summary>Set by MemberLeft: kept as a tombstone, so that a MemberJoined arriving late does not bring it back.</summary>
    public DateTimeOffset? LeftAt { get; set; }

    public static Guid IdOf(Guid allianceId, Guid unitId) => NameBasedIds.Create(allianceId, $"membership:{unitId:N}");
}

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
        var joined = (await session.Query<KnownMembership>().Where(m => m.UnitId == schoolId && m.LeftAt == null).ToListAsync(ct))
            .Select(m => m.AllianceId).Distinct().ToArray();
        if (joined.Length == 0)
        {
            return [];
        }
        var dissolved = (await session.Query<KnownAlliance>().Where(a => joined.Contains(a.Id) && a.Dissolved).ToListAsync(ct))
            .Select(a => a.Id).ToHashSet();
        var active = joined.Where(id => !dissolved.Contains(id)).ToArray();
        var kinds = ServingKinds;
        var members = (await session.Query<KnownMembership>()
                .Where(m => active.Contains(m.AllianceId) && kinds.Contains(m.UnitKind) && m.LeftAt == null).ToListAsync(ct))
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UnitId).DistinctBy(m => m.UnitId).ToList();
        var ids = members.Select(m => m.UnitId).ToArray();
        var names = ids.Length == 0
            ? new Dictionary<Guid, string>()
            : (await session.Query<KnownUnit>().Where(u => ids.Contains(u.Id)).ToListAsync(ct)).ToDictionary(u => u.Id, u => u.Name);
        return members.Select(m => new ServingUnit(m.UnitId, m.UnitKind, names.GetValueOrDefault(m.UnitId, ""), m.AllianceId)).ToList();
    }

    /// <summary>The unit that answers for a hazard of <paramref name="hazardKind"/> at the school, or null if its alliances have none.</summary>
    public static async Task<ServingUnit?> ResponsibleUnit(this IQuerySession session, Guid schoolId, string hazardKind, CancellationToken ct)
    {
        var kind = ResponsibleKind(hazardKind);
        return (await session.ServingUnits(schoolId, ct)).FirstOrDefault(u => u.Kind == kind);
    }
}
