using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;

namespace JiaoLianTi.Alliances;

/// <summary>
/// 部门可见范围 in Alliances: a <see cref="Role.DepartmentOfficer"/> sees, read-only, the responsibilities assigned to and
/// the needs matched to member units of their department inside their region (<see cref="DepartmentScope"/>), and
/// nothing else of those lists. A need's description stays withheld (it may speak of children). Asked to change one,
/// they get 403 when they may see it and 404 when they may not.
/// </summary>
public static class Departments
{
    /// <summary>The ids of the member units of the caller's department inside the caller's region.</summary>
    public static async Task<IReadOnlyList<Guid>> UnitsOfAsync(IQuerySession session, Caller caller, CancellationToken ct)
    {
        var kinds = DepartmentScope.UnitKinds(caller).Select(Enum.Parse<MemberUnitKind>).ToArray();
        if (kinds.Length == 0)
        {
            return [];
        }
        var region = caller.Region;
        return await session.Query<MemberUnit>().Where(u => kinds.Contains(u.Kind) && u.CountyCode.StartsWith(region))
            .Select(u => u.Id).ToListAsync(ct);
    }

    /// <summary>True when <paramref name="unitId"/> is a unit of the caller's department and the thing lies in their region.</summary>
    public static async Task<bool> ConcernsAsync(IQuerySession session, Caller caller, Guid? unitId, string countyCode, CancellationToken ct) =>
        caller.Role == Role.DepartmentOfficer && unitId is { } id && await session.LoadAsync<MemberUnit>(id, ct) is { } unit
        && DepartmentScope.Concerns(caller, unit.Kind.ToString(), countyCode);

    /// <summary>A department officer changes nothing here: 403 when they may see the thing, 404 when they may not.</summary>
    public static async Task RefuseChangeAsync(IQuerySession session, Caller caller, Guid? unitId, string? countyCode, string what, CancellationToken ct)
    {
        if (caller.Role != Role.DepartmentOfficer)
        {
            return;
        }
        if (countyCode is not null && await ConcernsAsync(session, caller, unitId, countyCode, ct))
        {
            throw new ForbiddenException("部门工作人员只读 / A department officer reads, and changes nothing.");
        }
        throw new NotFoundException($"{what} 不存在或不在您的辖区 / {what} was not found in your region.");
    }
}
