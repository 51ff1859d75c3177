using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using static JiaoLianTi.Platform.Identity.Role;

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

    /// <summary>The session's access token, from the shared store, refreshed when it is about to expire.</summary>
    public async Task<string?> AccessTokenAsync() =>
        (await PrincipalAsync()).FindFirstValue(ConsoleClaims.Session) is { } session
            ? await services.GetRequiredService<Tokens>().AccessTokenAsync(session)
            : null;
}

/// <summary>The signed-in person as the pages need them.</summary>
public sealed record Person(string Subject, string? Name, Role? Role, string Region, Guid? SchoolId, Guid? MemberUnitId, string Method)
{
    public bool SignedIn => Role is not null;
    public bool IsBureau => Role is ProvinceAdmin or CityAdmin or CountyAdmin;
    public bool IsSchoolStaff => Role is SchoolAdmin or Teacher or Counsellor;

    public static Person From(ClaimsPrincipal user)
    {
        Role? role = ExactName.TryParse<Role>(user.FindFirstValue(ConsoleClaims.Role), out var r) ? r : null;
        return new Person(
            user.FindFirstValue(ConsoleClaims.Subject) ?? "", user.FindFirstValue(ConsoleClaims.Name), role,
            user.FindFirstValue(ConsoleClaims.Region) ?? "",
            Guid.TryParse(user.FindFirstValue(ConsoleClaims.SchoolId), out var s) ? s : null,
            Guid.TryParse(user.FindFirstValue(ConsoleClaims.MemberUnitId), out var u) ? u : null,
            user.FindFirstValue(ConsoleClaims.Method) ?? "");
    }
}

/// <summary>The Chinese names of the departments (docs/glossary.md, Department).</summary>
public static class DepartmentNames
{
    public static string Chinese(Department department) => department switch
    {
        Department.PublicSecurity => "公安",
        Department.TrafficPolice => "交警",
        Department.MarketRegulation => "市场监管",
        Department.Health => "卫健",
        Department.CivilAffairs => "民政",
        Department.WomensFederation => "妇联",
        Department.YouthLeague => "团委",
        _ => department.ToString(),
    };
}

/// <summary>The Chinese names of the roles (docs/glossary.md, Role).</summary>
public static class RoleNames
{
    public static string Chinese(Role? role) => role switch
    {
        Role.ProvinceAdmin => "省级教育行政部门",
        Role.CityAdmin => "市级教育行政部门",
        Role.CountyAdmin => "县级教育行政部门",
        Role.SchoolAdmin => "学校管理员",
        Role.Teacher => "教师",
        Role.Counsellor => "心理教师",
        Role.Parent => "家长",
        Role.MemberOfficer => "成员单位联络人",
        Role.Operator => "运维人员",
        Role.DepartmentOfficer => "部门工作人员",
        Role.EventRelay => "事件中继",
        _ => "未登录",
    };
}
