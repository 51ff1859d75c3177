using System.Security.Claims;

namespace JiaoLianTi.Platform.Identity;

/// <summary>
/// What a token must say to be accepted at all, checked once as it is validated (at the gateway and in every
/// service): one subject, exactly one role spelled as defined, a region that is a division prefix (none needed by the
/// <see cref="Role.EventRelay"/> service account), a department for a
/// department officer, a school for school staff, a unit for a member unit's officer, and ids that are ids. A token that fails is refused with 401 like a badly signed one, so that a
/// claim such as <c>role: "2"</c> or <c>"Teacher,CountyAdmin"</c> never reaches a decision or an audit entry.
/// </summary>
public static class TokenClaims
{
    /// <summary>Why the claims are not acceptable, or null when they are.</summary>
    public static string? Problem(ClaimsPrincipal user)
    {
        var roles = user.FindAll(ClaimNames.Role).ToArray();
        if (string.IsNullOrWhiteSpace(user.FindFirstValue(ClaimNames.Subject)))
        {
            return "The token has no subject (sub).";
        }
        if (roles.Length != 1 || !ExactName.TryParse<Role>(roles[0].Value, out var role))
        {
            return "The token's role claim must be exactly one of: " + string.Join(", ", Enum.GetNames<Role>()) + ".";
        }
        var regions = user.FindAll(ClaimNames.Region).ToArray();
        if (!(regions is [var region] && Regions.IsRegionPrefix(region.Value)) && !(role == Role.EventRelay && regions.Length == 0))
        {
            return "The token's region claim must be one division code of 2, 4 or 6 digits.";
        }
        var departments = user.FindAll(ClaimNames.Department).ToArray();
        if (departments.Length > 1 || departments.Any(d => !ExactName.TryParse<Department>(d.Value, out _))
            || (role == Role.DepartmentOfficer && departments.Length == 0))
        {
            return "The token's department claim must be one of: " + string.Join(", ", Enum.GetNames<Department>()) + ".";
        }
        foreach (var name in new[] { ClaimNames.SchoolId, ClaimNames.MemberUnitId, ClaimNames.Child })
        {
            if (user.FindAll(name).Any(c => !Guid.TryParse(c.Value, out var id) || id == Guid.Empty)
                || (name != ClaimNames.Child && user.FindAll(name).Count() > 1))
            {
                return $"The token's {name} claim must be one id.";
            }
        }
        if (NeedsSchool(role) && !user.HasClaim(c => c.Type == ClaimNames.SchoolId))
        {
            return $"A {role} token names the school (school_id).";
        }
        if (role == Role.MemberOfficer && !user.HasClaim(c => c.Type == ClaimNames.MemberUnitId))
        {
            return "A MemberOfficer token names the member unit (member_unit_id).";
        }
        return null;
    }

    /// <summary>The roles that work in one school and act only for it.</summary>
    public static bool NeedsSchool(Role role) => role is Role.SchoolAdmin or Role.Teacher or Role.Counsellor;
}
