using System.Security.Claims;

namespace JiaoLianTi.Platform.Identity;

/// <summary>The signed-in caller, read once from the validated token.</summary>
public sealed record Caller(string Subject, Role Role, string Region, Guid? SchoolId, Guid? MemberUnitId)
{
    /// <summary>A parent's children (opaque student ids); empty for every other role.</summary>
    public IReadOnlyList<Guid> Children { get; init; } = [];

    /// <summary>A department officer's department; null for every other role.</summary>
    public Department? Department { get; init; }

    /// <summary>Who issued the token (<c>iss</c>): a person is their issuer and subject, and an assignment or grant to
    /// them names both.</summary>
    public string Issuer { get; init; } = "";

    /// <summary>True when this caller is the person <paramref name="subject"/> of <paramref name="issuer"/> (an
    /// assignment recorded before issuers were kept, null, names the subject only).</summary>
    public bool Is(string? subject, string? issuer) =>
        subject is not null && subject == Subject && (issuer is null || issuer == Issuer);

    /// <summary>True when the caller is the parent of <paramref name="studentId"/>.</summary>
    public bool IsParentOf(Guid studentId) => Role == Role.Parent && Children.Contains(studentId);

    /// <summary>True when <paramref name="divisionCode"/> lies inside the caller's region.</summary>
    public bool Covers(string divisionCode) => divisionCode.StartsWith(Region, StringComparison.Ordinal);

    public bool IsAdministration => Role is Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin;

    public static Caller From(ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue(ClaimNames.Subject) ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        var roleText = user.FindFirstValue(ClaimNames.Role) ?? user.FindFirstValue(ClaimTypes.Role);
        var region = user.FindFirstValue(ClaimNames.Region);
        if (subject is null || region is null || !ExactName.TryParse<Role>(roleText, out var role)
            || !Regions.IsRegionPrefix(region))
        {
            throw new Http.ForbiddenException("令牌缺少角色或区域 / The token lacks a valid role or region claim.");
        }
        Department? department = null;
        if (role == Role.DepartmentOfficer)
        {
            if (!ExactName.TryParse<Department>(user.FindFirstValue(ClaimNames.Department), out var d))
            {
                throw new Http.ForbiddenException("部门工作人员的令牌须注明部门 / A department officer's token names their department.");
            }
            department = d;
        }
        return new Caller(subject, role, region, GuidClaim(user, ClaimNames.SchoolId), GuidClaim(user, ClaimNames.MemberUnitId))
        {
            Department = department,
            Issuer = user.FindFirstValue("iss") ?? user.Claims.FirstOrDefault()?.Issuer ?? "",
            Children = user.FindAll(ClaimNames.Child)
                .Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty)
                .Where(id => id != Guid.Empty).ToArray(),
        };
    }

    private static Guid? GuidClaim(ClaimsPrincipal user, string type)
        => Guid.TryParse(user.FindFirstValue(type), out var id) ? id : null;
}

public static class Regions
{
    /// <summary>A province (2 digits), city (4) or county (6) code prefix.</summary>
    public static bool IsRegionPrefix(string code) =>
        code.Length is 2 or 4 or 6 && code.All(char.IsAsciiDigit);
}
