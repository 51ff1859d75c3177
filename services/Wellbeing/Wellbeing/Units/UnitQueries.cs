using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;

namespace JiaoLianTi.Wellbeing.Units;

/// <summary>
/// What Wellbeing asks of its replica of Alliances' facts (Platform's AlliancesReplica): a unit that has left, or whose
/// alliance is dissolved, is no member any more, whatever order the facts arrived in.
/// </summary>
public static class UnitQueries
{
    public static readonly string[] MedicalKinds = [MemberUnitKinds.Hospital, MemberUnitKinds.MentalHealthCentre];

    /// <summary>The county of a school, or null when Alliances has not announced it.</summary>
    public static async Task<string?> CountyOfSchoolAsync(IQuerySession session, Guid schoolId, CancellationToken ct)
    {
        var unit = await session.LoadAsync<KnownUnit>(schoolId, ct);
        if (unit is not null)
        {
            return unit.Kind == MemberUnitKinds.School ? unit.CountyCode : null;
        }
        var membership = await session.Query<KnownMembership>()
            .Where(m => m.UnitId == schoolId && m.UnitKind == MemberUnitKinds.School).FirstOrDefaultAsync(ct);
        return membership?.CountyCode;
    }

    /// <summary>True when <paramref name="unitId"/> is a hospital or mental-health centre that is an active member of an
    /// alliance the school belongs to (joined, as member or lead).</summary>
    public static async Task<bool> IsMedicalMemberOfSchoolsAllianceAsync(
        IQuerySession session, Guid schoolId, Guid unitId, CancellationToken ct)
    {
        var alliances = await session.AlliancesOfAsync(schoolId, ct);
        return (await session.MembersOfAsync(alliances, MedicalKinds, ct)).Any(m => m.UnitId == unitId);
    }

    /// <summary>True when <paramref name="unitId"/> is any active member of an alliance the school belongs to.</summary>
    public static async Task<bool> IsMemberOfSchoolsAllianceAsync(IQuerySession session, Guid schoolId, Guid unitId, CancellationToken ct)
    {
        var alliances = await session.AlliancesOfAsync(schoolId, ct);
        return (await session.MembersOfAsync(alliances, null, ct)).Any(m => m.UnitId == unitId);
    }
}
