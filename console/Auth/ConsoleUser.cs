using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace JiaoLianTi.Console.Auth;

/// <summary>The signed-in person of this circuit (or request), read once from the server-side session.</summary>
public sealed class ConsoleUser(IServiceProvider services)
{
    private ClaimsPrincipal? principal;

    /// <summary>For endpoints outside Blazor (the CSV download): the request's user.</summary>
    public void Use(ClaimsPrincipal user) => principal = user;

    public async Task<ClaimsPrincipal> PrincipalAsync()
    {
        if (principal is null)
        {
            var state = await services.GetRequiredService<AuthenticationStateProvider>().GetAuthenticationStateAsync();
            principal = state.User;
        }
        return principal;
    }

    public async Task<Person> PersonAsync() => Person.From(await PrincipalAsync());

    public async Task<string?> AccessTokenAsync() => (await PrincipalAsync()).FindFirstValue(ConsoleClaims.AccessToken);
}

/// <summary>The signed-in person as the pages need them.</summary>
public sealed record Person(string Subject, string? Name, Roles? Role, string Region, Guid? SchoolId, Guid? MemberUnitId, string Method)
{
    public bool SignedIn => Role is not null;
    public bool IsBureau => Role is Roles.ProvinceAdmin or Roles.CityAdmin or Roles.CountyAdmin;
    public bool IsSchoolStaff => Role is Roles.SchoolAdmin or Roles.Teacher or Roles.Counsellor;

    public static Person From(ClaimsPrincipal user)
    {
        Roles? role = Enum.TryParse<Roles>(user.FindFirstValue(ConsoleClaims.Role), out var r) ? r : null;
        return new Person(
            user.FindFirstValue(ConsoleClaims.Subject) ?? "", user.FindFirstValue(ConsoleClaims.Name), role,
            user.FindFirstValue(ConsoleClaims.Region) ?? "",
            Guid.TryParse(user.FindFirstValue(ConsoleClaims.SchoolId), out var s) ? s : null,
            Guid.TryParse(user.FindFirstValue(ConsoleClaims.MemberUnitId), out var u) ? u : null,
            user.FindFirstValue(ConsoleClaims.Method) ?? "");
    }
}

/// <summary>The roles of a JiaoLianTi token (GLOSSARY, Roles), with their Chinese names.</summary>
public enum Roles
{
    ProvinceAdmin,
    CityAdmin,
    CountyAdmin,
    SchoolAdmin,
    Teacher,
    Counsellor,
    Parent,
    MemberOfficer,
}

public static class RoleNames
{
    public static string Chinese(Roles? role) => role switch
    {
        Roles.ProvinceAdmin => "省级教育行政部门",
        Roles.CityAdmin => "市级教育行政部门",
        Roles.CountyAdmin => "县级教育行政部门",
        Roles.SchoolAdmin => "学校管理员",
        Roles.Teacher => "教师",
        Roles.Counsellor => "心理教师",
        Roles.Parent => "家长",
        Roles.MemberOfficer => "成员单位联络人",
        _ => "未登录",
    };
}
