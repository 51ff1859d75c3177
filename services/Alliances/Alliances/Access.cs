using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Alliances;

/// <summary>
/// Who may do what (issue 3): province and city admins read their region; county admins manage alliances in their
/// county; school admins manage their school's alliance and raise needs; member officers act on what is assigned to
/// their unit. Outside the caller's region a thing does not exist for them (404).
/// </summary>
public static class Access
{
    public static bool ManagesCounty(this Caller caller, string countyCode) =>
        caller.Role == Role.CountyAdmin && caller.Covers(countyCode);

    /// <summary>The county admin of its county, or the admin of the school that leads a school alliance.</summary>
    public static bool Manages(this Caller caller, Alliance alliance) =>
        caller.ManagesCounty(alliance.CountyCode)
        || (caller.Role == Role.SchoolAdmin && alliance.Kind == AllianceKind.School && caller.SchoolId is { } school
            && school == alliance.LeadUnitId && caller.Covers(alliance.CountyCode));

    /// <summary>404 unless the thing lies inside the caller's region.</summary>
    public static T Visible<T>(this Caller caller, T? thing, Func<T, string> county, string what) where T : class =>
        thing is not null && caller.Covers(county(thing))
            ? thing
            : throw new NotFoundException($"{what} 不存在或不在您的辖区 / {what} was not found in your region.");

    public static void Require(bool allowed, string message)
    {
        if (!allowed)
        {
            throw new ForbiddenException(message);
        }
    }
}
