using System.Net.Http.Json;
using System.Security.Claims;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace JiaoLianTi.Console.Parent;

/// <summary>
/// 家长端 sign-in. The parents' pages live under the gateway's <c>/parent</c> (path unchanged, not under the console's
/// <c>/console</c> base) and keep their own session cookie <c>.jlt.parent</c> (path <c>/parent</c>), kept on the server
/// in the same <c>console.sessions</c> as the staff's. The staff cookie scheme forwards every request under
/// <c>/parent</c> here, so the pages and the authorization of the app need nothing of their own. With OIDC a parent
/// signs in at the province's provider like staff do (scheme <c>parent-oidc</c>, callback <c>/parent/signin-oidc</c>);
/// in Development, a chooser of demo families asks the gateway's <c>POST /dev/token</c>.
/// </summary>
public static class ParentSignIn
{
    public const string Scheme = "parent";
    public const string OidcScheme = "parent-oidc";
    public const string Prefix = "/parent";

    public static bool IsParentPath(HttpContext context) =>
        !context.Request.PathBase.HasValue && context.Request.Path.StartsWithSegments(Prefix);

    /// <summary>
    /// 演示家庭 Demo families (Development only). Their children's opaque ids are fixed so that the demo seed
    /// (scripts/seed/60-parents.sh) registers the same children; the pages show a child's name only as the parent gave
    /// it in a registration. <c>demo-parent-1</c> is also the parent the parent-school seed enrols.
    /// </summary>
    public static readonly DemoFamily[] Families =
    [
        new("demo-parent-1", "示例家长甲", [new Guid("0d1e0000-0000-4000-8000-00000000a001")]),
        new("demo-parent-2", "示例家长乙", [new Guid("0d1e0000-0000-4000-8000-00000000b001"), new Guid("0d1e0000-0000-4000-8000-00000000b002")]),
        new("demo-parent-3", "示例家长丙", [new Guid("0d1e0000-0000-4000-8000-00000000c001")]),
    ];

    public sealed record DemoFamily(string Subject, string Name, Guid[] Children);

    public static AuthenticationBuilder AddParentCookie(this AuthenticationBuilder auth, bool oidc) =>
        auth.AddCookie(Scheme, options =>
        {
            options.Cookie.Name = ".jlt.parent";
            options.Cookie.Path = Prefix;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.LoginPath = Prefix + "/signin";
            options.AccessDeniedPath = Prefix + "/signin";
            options.SlidingExpiration = false;
            options.Events.OnValidatePrincipal = SignIn.ValidateSession;
            if (oidc)
            {
                options.ForwardChallenge = OidcScheme;
            }
        });

    public static void MapParentSignIn(this WebApplication app)
    {
        app.MapPost(Prefix + "/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(Scheme);
            return Results.Redirect(Prefix + "/signin");
        });
        if (SignIn.UsesOidc(app.Configuration))
        {
            app.MapGet(Prefix + "/signin/oidc", (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [OidcScheme])).AllowAnonymous();
        }
        else if (app.Environment.IsDevelopment())
        {
            app.MapPost(Prefix + "/signin/dev", DevSignIn).AllowAnonymous();
        }
    }

    /// <summary>Only a path of the parents' pages: never an open redirect.</summary>
    public static string LocalUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && (url == Prefix || url.StartsWith(Prefix + "/", StringComparison.Ordinal)) && !url.Contains("//")
            ? url
            : Prefix + "/";

    /// <summary>开发登录 for parents: a demo family, or region, school and children typed in (Development only).</summary>
    private static async Task<IResult> DevSignIn([FromForm] DevParentForm form, HttpContext http, IHttpClientFactory clients)
    {
        var client = clients.CreateClient(nameof(Api.GatewayClient));
        var family = Families.FirstOrDefault(f => f.Subject == form.Family);
        var region = string.IsNullOrWhiteSpace(form.Region) ? "510104" : form.Region.Trim();
        var children = family?.Children ?? (form.Children ?? "")
            .Split([',', ' ', ';', '\n', '\r', '，'], StringSplitOptions.RemoveEmptyEntries)
            .Select(c => Guid.TryParse(c, out var id) ? id : Guid.Empty).ToArray();
        var back = Prefix + "/signin";
        if (children.Length == 0 || children.Contains(Guid.Empty))
        {
            return Results.Redirect($"{back}?error={Uri.EscapeDataString("请填写孩子的编号（学籍号 ID），多个用逗号分开 / Give your children's ids, separated by commas")}");
        }
        Guid? school = Guid.TryParse(form.SchoolId, out var s) ? s : await DemoSchool.FindAsync(client, region, orFirst: true);
        var name = family?.Name ?? (string.IsNullOrWhiteSpace(form.Name) ? null : form.Name.Trim());
        var request = new
        {
            role = "Parent",
            region,
            schoolId = school,
            subject = family?.Subject ?? (name is null ? $"dev-parent-{region}" : $"dev-parent-{name}"),
            name,
            children,
        };
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync("dev/token", request, Api.GatewayClient.Json);
        }
        catch (HttpRequestException)
        {
            return Results.Redirect($"{back}?error={Uri.EscapeDataString("暂时无法连接服务，请稍后再试 / The service cannot be reached; try again later")}");
        }
        if (!response.IsSuccessStatusCode)
        {
            var problem = Api.ApiProblem.Parse(response.StatusCode, await response.Content.ReadAsStringAsync());
            return Results.Redirect($"{back}?error={Uri.EscapeDataString(ParentWords.Of(problem))}");
        }
        var token = (await response.Content.ReadFromJsonAsync<TokenAnswer>(Api.GatewayClient.Json))!.AccessToken;
        var identity = ConsoleClaims.FromAccessToken(token, "dev", Scheme);
        var properties = new AuthenticationProperties { ExpiresUtc = ConsoleClaims.Expires(token), IsPersistent = false };
        properties.StoreTokens([new AuthenticationToken { Name = SessionStore.AccessTokenName, Value = token }]);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity), properties);
        return Results.Redirect(LocalUrl(form.ReturnUrl));
    }

    public sealed class DevParentForm
    {
        public string? Family { get; set; }
        public string? Region { get; set; }
        public string? SchoolId { get; set; }
        public string? Children { get; set; }
        public string? Name { get; set; }
        public string? ReturnUrl { get; set; }
    }

    private sealed record TokenAnswer(string AccessToken);
}
