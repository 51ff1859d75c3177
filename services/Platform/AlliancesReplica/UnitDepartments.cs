using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using Marten;

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

/// <summary>
/// 部门可见范围 What a <see cref="Role.DepartmentOfficer"/> sees, read-only, in every service: what is assigned to or
/// concerns a unit of their department (<see cref="UnitDepartments"/>) inside their region. Small named rules, so the
/// role × endpoint × region table can test them one by one.
/// </summary>
public static class DepartmentScope
{
    /// <summary>True when the caller is a department officer and a unit of <paramref name="unitKind"/> in
    /// <paramref name="countyCode"/> belongs to their department inside their region.</summary>
    public static bool Concerns(Caller caller, string? unitKind, string countyCode) =>
        caller.Role == Role.DepartmentOfficer && caller.Department is { } department && unitKind is not null
        && UnitDepartments.Of(unitKind) == department && caller.Covers(countyCode);

    /// <summary>The unit kinds of the caller's department (none for any other role).</summary>
    public static string[] UnitKinds(Caller caller) =>
        caller.Role == Role.DepartmentOfficer && caller.Department is { } department ? [.. UnitDepartments.KindsOf(department)] : [];

    /// <summary>The ids of the units of the caller's department inside the caller's region, as the replica knows them.</summary>
    public static async Task<IReadOnlyList<Guid>> UnitsAsync(IQuerySession session, Caller caller, CancellationToken ct)
    {
        var kinds = UnitKinds(caller);
        if (kinds.Length == 0)
        {
            return [];
        }
        var region = caller.Region;
        return await session.Query<KnownUnit>().Where(u => kinds.Contains(u.Kind) && u.CountyCode.StartsWith(region))
            .Select(u => u.Id).ToListAsync(ct);
    }

    /// <summary>True when the replica knows <paramref name="unitId"/> as a unit of the caller's department and
    /// <paramref name="countyCode"/> lies in the caller's region.</summary>
    public static async Task<bool> ConcernsUnitAsync(IQuerySession session, Caller caller, Guid unitId, string countyCode, CancellationToken ct) =>
        caller.Role == Role.DepartmentOfficer && await session.LoadAsync<KnownUnit>(unitId, ct) is { } unit
        && Concerns(caller, unit.Kind, countyCode);
}
