using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;
using Kinds = JiaoLianTi.Alliances.Contracts.MemberUnitKinds;

namespace JiaoLianTi.CampusSafety.Schools;

/// <summary>The units of a school's alliances that serve it, by kind.</summary>
public sealed record ServingUnit(Guid UnitId, string Kind, string Name, Guid AllianceId);

/// <summary>
/// Who serves which school, read from CampusSafety's replica of Alliances' facts (Platform's AlliancesReplica: a unit
/// that has left, or whose alliance is dissolved, serves no more, whatever order the facts arrived in).
/// </summary>
public static class SchoolRouting
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
        session.SchoolAsync(schoolId, ct);

    /// <summary>
    /// The police station, traffic police and market regulator units of every alliance the school is a member of now
    /// (as a member or as its lead), the earliest to join first.
    /// </summary>
    public static async Task<IReadOnlyList<ServingUnit>> ServingUnits(this IQuerySession session, Guid schoolId, CancellationToken ct)
    {
        var alliances = await session.AlliancesOfAsync(schoolId, ct);
        var members = (await session.MembersOfAsync(alliances, ServingKinds, ct)).DistinctBy(m => m.UnitId).ToList();
        var ids = members.Select(m => m.UnitId).ToArray();
        var names = ids.Length == 0
            ? new Dictionary<Guid, string>()
            : (await session.LoadManyAsync<KnownUnit>(ct, ids)).ToDictionary(u => u.Id, u => u.Name);
        return members.Select(m => new ServingUnit(m.UnitId, m.UnitKind, names.GetValueOrDefault(m.UnitId, ""), m.AllianceId)).ToList();
    }

    /// <summary>The unit that answers for a hazard of <paramref name="hazardKind"/> at the school, or null if its alliances have none.</summary>
    public static async Task<ServingUnit?> ResponsibleUnit(this IQuerySession session, Guid schoolId, string hazardKind, CancellationToken ct)
    {
        var kind = ResponsibleKind(hazardKind);
        return (await session.ServingUnits(schoolId, ct)).FirstOrDefault(u => u.Kind == kind);
    }
}
