using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.ParentSchool;

/// <summary>
/// Who may author what, and who sees what. A course or library item has a scope: the province (a 2-digit code), a
/// county (6 digits) or one school (its id, in its county). A parent sees the province's, their county's and their
/// school's; staff see what lies above and inside their region.
/// </summary>
public static class Audience
{
    /// <summary>The division codes at and above a region: "510104" gives "51", "5101", "510104".</summary>
    public static string[] Ancestors(string region) =>
        Enumerable.Range(1, region.Length / 2).Select(n => region[..(n * 2)]).ToArray();

    /// <summary>Roles tied to one school by their token's school_id.</summary>
    public static bool IsSchoolBound(Caller caller) =>
        caller.Role is Role.Parent or Role.SchoolAdmin or Role.Teacher or Role.Counsellor;

    public static bool IsSchoolStaff(Caller caller) => caller.Role is Role.SchoolAdmin or Role.Teacher;

    /// <summary>Province staff author province courses, county (or city, province) staff county courses in their
    /// region, school staff their own school's.</summary>
    public static bool MayAuthor(Caller caller, CourseScope scope, string regionCode, Guid? schoolId) => scope switch
    {
        CourseScope.Province => caller.Role == Role.ProvinceAdmin && regionCode.Length == 2 && caller.Covers(regionCode),
        CourseScope.County => caller.IsAdministration && regionCode.Length == 6 && caller.Covers(regionCode),
        CourseScope.School => IsSchoolStaff(caller) && schoolId is not null && caller.SchoolId == schoolId
            && regionCode.Length == 6 && caller.Covers(regionCode),
        _ => false,
    };

    /// <summary>True when something of this scope is visible to the caller (the same rule the list queries use).</summary>
    public static bool Sees(Caller caller, CourseScope scope, string regionCode, Guid? schoolId)
    {
        if (scope != CourseScope.School && Ancestors(caller.Region).Contains(regionCode))
        {
            return true;
        }
        return IsSchoolBound(caller)
            ? scope == CourseScope.School && schoolId is not null && schoolId == caller.SchoolId
            : regionCode.StartsWith(caller.Region, StringComparison.Ordinal);
    }

    /// <summary>A parent, by their opaque id; the county is the token's region and must name a county.</summary>
    public static ParentCaller RequireParent(Caller caller)
    {
        if (caller.Role != Role.Parent)
        {
            throw new ForbiddenException("只有家长本人可以这样做 / Only a parent may do this, for themselves.");
        }
        if (caller.Region.Length != 6)
        {
            throw new ForbiddenException("家长令牌的区域须为县级代码 / A parent's token must name their county (6 digits).");
        }
        return new ParentCaller(Parents.ParentIds.Of(caller.Subject), caller.SchoolId, caller.Region);
    }
}

public sealed record ParentCaller(Guid ParentId, Guid? SchoolId, string CountyCode);
