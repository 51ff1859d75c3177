using JiaoLianTi.Platform.Identity;
using Marten;

namespace JiaoLianTi.Alliances.Units;

/// <summary>A school's county from the registry itself (the other services ask their replica of it).</summary>
public sealed class RegistrySchoolCounty(IQuerySession session) : ISchoolCounty
{
    public async Task<string?> CountyOfAsync(Guid schoolId, CancellationToken ct) =>
        await session.LoadAsync<MemberUnit>(schoolId, ct) is { Kind: MemberUnitKind.School } unit ? unit.CountyCode : null;
}
