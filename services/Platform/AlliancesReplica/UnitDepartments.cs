using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Platform.AlliancesReplica;

/// <summary>
/// Which department (Identity.Claims' <see cref="Department"/>) a member unit of a given kind belongs to: a police
/// station to public security, a hospital to health … A school, a museum or an enterprise belongs to none. The kinds
/// are Alliances' (<see cref="MemberUnitKinds"/>); this is the one mapping every service uses.
/// </summary>
public static class UnitDepartments
{
    private static readonly IReadOnlyDictionary<string, Department> ByKind = new Dictionary<string, Department>
    {
        [MemberUnitKinds.PoliceStation] = Department.PublicSecurity,
        [MemberUnitKinds.TrafficPolice] = Department.TrafficPolice,
        [MemberUnitKinds.MarketRegulator] = Department.MarketRegulation,
        [MemberUnitKinds.Hospital] = Department.Health,
        [MemberUnitKinds.MentalHealthCentre] = Department.Health,
        [MemberUnitKinds.CommunityCommittee] = Department.CivilAffairs,
        [MemberUnitKinds.StreetOffice] = Department.CivilAffairs,
        [MemberUnitKinds.WomensFederation] = Department.WomensFederation,
        [MemberUnitKinds.YouthLeague] = Department.YouthLeague,
    };

    /// <summary>The department of a unit of that kind, or null.</summary>
    public static Department? Of(string unitKind) => ByKind.TryGetValue(unitKind, out var d) ? d : null;

    /// <summary>The unit kinds that belong to a department.</summary>
    public static IReadOnlyList<string> KindsOf(Department department) =>
        ByKind.Where(p => p.Value == department).Select(p => p.Key).ToArray();
}
