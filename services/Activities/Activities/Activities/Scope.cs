using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Activities.Activities;

/// <summary>
/// Who may see and run which activity. School admins and teachers run their school's activities; county (city,
/// province) admins read their region and run the alliance-run activities of it; member officers see the
/// activities at their unit's resources; parents see what is open in their region (to register their children).
/// </summary>
public static class Scope
{
    public static bool IsStaff(this Caller caller) => caller.Role is Role.SchoolAdmin or Role.Teacher;

    public static bool CanSee(this Caller caller, ActivityView a) =>
        CanSee(caller, a.SchoolId, a.ResourceUnitId, a.CountyCode, a.Status);

    public static bool CanSee(this Caller caller, Activity a) =>
        CanSee(caller, a.SchoolId, a.ResourceUnitId, a.CountyCode, a.Status);

    public static bool CanRun(this Caller caller, ActivityView a) => a.SchoolId is { } school
        ? caller.IsStaff() && caller.SchoolId == school
        : caller.IsAdministration && caller.Covers(a.CountyCode);

    /// <summary>404 when the caller may not know the activity; 403 when they may see it but not run it.</summary>
    public static void MustRun(this Caller caller, ActivityView? a, Guid id)
    {
        if (a is null || !caller.CanSee(a))
        {
            throw NotFound(id);
        }
        if (!caller.CanRun(a))
        {
            throw new ForbiddenException("只有主办学校的管理员、教师或本县教育行政部门可以操作此活动 / Only the running school's admins and teachers (or the county's bureau for an alliance's activity) may do this.");
        }
    }

    /// <summary>
    /// Whose records of one student (registrations, volunteer hours) the caller reads: a parent, all of their own
    /// child's (null: no filter; another child is 404); the school's staff and counsellors, those at their school
    /// (the school to filter by); anyone else 403 with <paramref name="refusal"/>. A staff token without a school
    /// reads nothing.
    /// </summary>
    public static Guid? StudentRecordsScope(this Caller caller, Guid studentId, string refusal)
    {
        if (caller.Role == Role.Parent)
        {
            return caller.IsParentOf(studentId)
                ? null
                : throw new NotFoundException("未找到该学生 / No such student among your children.");
        }
        if (caller.IsStaff() || caller.Role == Role.Counsellor)
        {
            return caller.SchoolId ?? Guid.Empty;
        }
        throw new ForbiddenException(refusal);
    }

    public static NotFoundException NotFound(Guid id) => new($"活动 {id} 不存在 / Activity {id} was not found.");

    private static bool CanSee(Caller caller, Guid? schoolId, Guid? resourceUnitId, string county, ActivityStatus status)
    {
        var published = status is not (ActivityStatus.Draft or ActivityStatus.AwaitingSafetyPlan);
        return caller.Role switch
        {
            Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin => caller.Covers(county),
            Role.SchoolAdmin or Role.Teacher or Role.Counsellor =>
                (schoolId is not null && schoolId == caller.SchoolId) || (published && caller.Covers(county)),
            Role.MemberOfficer => resourceUnitId is not null && resourceUnitId == caller.MemberUnitId,
            Role.Parent => published && caller.Covers(county),
            _ => false,
        };
    }
}
