using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.CampusSafety;

/// <summary>Who may see and do what, in one place. Outside the caller's scope a thing does not exist for them (404).</summary>
public static class Access
{
    /// <summary>The school's own staff (school admins, teachers, counsellors) inside their region.</summary>
    public static bool IsStaffOf(this Caller caller, Guid schoolId, string countyCode) =>
        caller.Role is Role.SchoolAdmin or Role.Teacher or Role.Counsellor
        && caller.SchoolId == schoolId && caller.Covers(countyCode);

    public static bool IsAdminOf(this Caller caller, Guid schoolId, string countyCode) =>
        caller.Role == Role.SchoolAdmin && caller.SchoolId == schoolId && caller.Covers(countyCode);

    /// <summary>A parent whose token names the school (their child's school).</summary>
    public static bool IsParentAt(this Caller caller, Guid schoolId, string countyCode) =>
        caller.Role == Role.Parent && caller.SchoolId == schoolId && caller.Covers(countyCode);

    /// <summary>Province, city and county admins read what lies in their region.</summary>
    public static bool IsAdministrationOver(this Caller caller, string countyCode) =>
        caller.IsAdministration && caller.Covers(countyCode);

    public static NotFoundException NotFound(string what, Guid id) =>
        new($"未找到{what} / {id} was not found.");
}
