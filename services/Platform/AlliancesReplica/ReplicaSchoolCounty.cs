using JiaoLianTi.Platform.Identity;
using Marten;

namespace JiaoLianTi.Platform.AlliancesReplica;

/// <summary>A school's county as the replica of Alliances' facts knows it.</summary>
public sealed class ReplicaSchoolCounty(IQuerySession session) : ISchoolCounty
{
    public async Task<string?> CountyOfAsync(Guid schoolId, CancellationToken ct) =>
        (await session.SchoolAsync(schoolId, ct))?.CountyCode;
}
