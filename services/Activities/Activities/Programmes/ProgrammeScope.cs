using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>
/// Who may see and run which programme. A school's admins and teachers run their school's programmes (counsellors read
/// them); the provider unit's officers see the programmes they give and take attendance; county (city, province) admins
/// read their region; parents see the open programmes of their region (of their child's school when the token names it).
/// Outside that a programme does not exist (404); seen but not theirs to run: 403.
/// </summary>
public static class ProgrammeScope
{
    public static bool CanSee(this Caller caller, ProgrammeView p) =>
        CanSee(caller, p.SchoolId, p.CountyCode, p.ProviderUnitId, p.Status);

    public static bool CanSee(this Caller caller, Programme p) =>
        CanSee(caller, p.SchoolId, p.CountyCode, p.Provider.UnitId, p.Status);

    public static bool CanRun(this Caller caller, ProgrammeView p) => caller.IsStaff() && caller.SchoolId == p.SchoolId;

    public static bool IsProviderOf(this Caller caller, ProgrammeView p) =>
        caller.Role == Role.MemberOfficer && p.ProviderUnitId is not null && caller.MemberUnitId == p.ProviderUnitId;

    /// <summary>404 when the caller may not know the programme; 403 when they may see it but not run it.</summary>
    public static ProgrammeView MustRun(this Caller caller, ProgrammeView? p, Guid id)
    {
        var seen = caller.MustSee(p, id);
        if (!caller.CanRun(seen))
        {
            throw new ForbiddenException("只有本校管理员或教师可以操作此课后服务项目 / Only the school's admins and teachers may do this.");
        }
        return seen;
    }

    public static ProgrammeView MustSee(this Caller caller, ProgrammeView? p, Guid id) =>
        p is not null && caller.CanSee(p) ? p : throw NotFound(id);

    public static NotFoundException NotFound(Guid id) => new($"课后服务项目 {id} 不存在 / Programme {id} was not found.");

    private static bool CanSee(Caller caller, Guid schoolId, string county, Guid? providerUnitId, ProgrammeStatus status) =>
        caller.Role switch
        {
            Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin => caller.Covers(county),
            Role.SchoolAdmin or Role.Teacher or Role.Counsellor => caller.SchoolId == schoolId,
            Role.MemberOfficer => providerUnitId is not null && providerUnitId == caller.MemberUnitId,
            Role.Parent => status is (ProgrammeStatus.Open or ProgrammeStatus.Closed) && caller.Covers(county)
                && (caller.SchoolId is null || caller.SchoolId == schoolId),
            _ => false,
        };
}

/// <summary>The group-commit writer of programmes' streams (see <see cref="GroupCommitWriter{TState}"/>).</summary>
public sealed class ProgrammeWriter(Marten.IDocumentStore store, ILogger<ProgrammeWriter> logger)
    : GroupCommitWriter<Programme>(store, logger, ProgrammeScope.NotFound)
{
    /// <summary>A command on the programme itself: answers it as it now is, with its revision as the ETag.</summary>
    public async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<ProgrammeView>> Change(
        HttpContext http, Marten.IQuerySession session, Guid id, Func<Programme, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var revision = await Submit(id, decide, (state, _) => state.Revision);
        return http.Changed((await session.LoadAsync<ProgrammeView>(id, ct))!, revision);
    }
}
