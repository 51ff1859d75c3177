using System.Net.Http.Json;
using JiaoLianTi.Console.Parent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// Sign-in. With <c>Auth:Authority</c> set: OpenID Connect (authorization code with PKCE) against the province's
/// identity provider, the one whose tokens the gateway trusts. Without it, in Development only: 开发登录, a chooser
/// that asks the gateway's development token issuer (<c>POST /dev/token</c>) for a token of the chosen role and region.
/// Either way the token is kept in the server-side session (<see cref="SessionStore"/>, in the console's database,
/// shared by its replicas) and sent to the gateway by the server; an OIDC token is refreshed before it expires
/// (<see cref="Tokens"/>).
/// </summary>
public static class SignIn
{
    public const string Oidc = "oidc";

    public static bool UsesOidc(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["Auth:Authority"]);

    public static IServiceCollection AddConsoleSignIn(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var oidc = UsesOidc(configuration);
        if (!oidc && !environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Auth:Authority is not set. Outside Development the console signs people in only through the configured OIDC provider.");
        }
        services.AddSingleton<SessionStore>();
        services.AddScoped<Tokens>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionStoreSetup>();
        var auth = services.AddAuthentication(options =>
        {
            options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.DefaultChallengeScheme = oidc ? Oidc : CookieAuthenticationDefaults.AuthenticationScheme;
        }).AddCookie(options =>
        {
            // 家长端: a request under /parent uses the parents' own cookie and sign-in (Parent.ParentSignIn).
            options.ForwardDefaultSelector = context => Parent.ParentSignIn.IsParentPath(context) ? Parent.ParentSignIn.Scheme : null;
            options.Cookie.Name = ".jlt.console";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.LoginPath = "/signin";
            options.AccessDeniedPath = "/signin";
            options.SlidingExpiration = false;
            // A session whose token has expired and cannot be refreshed is over: sign in again.
            options.Events.OnValidatePrincipal = ValidateSession;
        }).AddParentCookie(oidc); // Parent.ParentSignIn
        if (oidc)
        {
            var section = configuration.GetSection("Auth");
            auth.AddOpenIdConnect(Oidc, options =>
            {
                // 家长端: a parent's challenge under /parent goes through the parents' OIDC scheme (its callback is
                // under /parent, and it signs in to the parents' cookie).
                options.ForwardDefaultSelector = context => Parent.ParentSignIn.IsParentPath(context) ? Parent.ParentSignIn.OidcScheme : null;
                ConfigureOidc(options, section);
            });
            auth.AddOpenIdConnect(Parent.ParentSignIn.OidcScheme, options =>
            {
                options.CallbackPath = "/parent/signin-oidc";
                options.SignedOutCallbackPath = "/parent/signout-callback-oidc";
                options.SignInScheme = Parent.ParentSignIn.Scheme;
                ConfigureOidc(options, section);
            });
        }
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        return services;
    }

    /// <summary>A session whose token has expired and cannot be refreshed is over: sign in again.</summary>
    internal static async Task ValidateSession(CookieValidatePrincipalContext context)
    {
        var session = context.Principal?.FindFirst(ConsoleClaims.Session)?.Value;
        if (session is null || await context.HttpContext.RequestServices.GetRequiredService<Tokens>().AccessTokenAsync(session) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }

    private static void ConfigureOidc(OpenIdConnectOptions options, IConfigurationSection section)
    {
        options.Authority = section["Authority"];
        options.ClientId = section["ClientId"] ?? "jiaolianti-console";
        options.ClientSecret = section["ClientSecret"];
        options.ResponseType = "code";
        options.UsePkce = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true);
        options.Scope.Clear();
        // offline_access: a refresh token, so the console renews the access token before it expires.
        foreach (var scope in (section["Scopes"] ?? "openid profile offline_access").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Scope.Add(scope);
        }
        options.Events.OnTokenValidated = context =>
        {
            // The session is built from the access token: its claims are the ones the API enforces.
            var accessToken = context.TokenEndpointResponse?.AccessToken;
            if (string.IsNullOrEmpty(accessToken))
            {
                context.Fail("The identity provider issued no access token.");
                return Task.CompletedTask;
            }
            var identity = ConsoleClaims.FromAccessToken(accessToken, "oidc", CookieAuthenticationDefaults.AuthenticationScheme);
            if (identity.FindFirst(ConsoleClaims.Name) is null
                && context.Principal?.FindFirst("name") is { } name)
            {
                identity.AddClaim(new Claim(ConsoleClaims.Name, name.Value));
            }
            context.Principal = new ClaimsPrincipal(identity);
            var refreshToken = context.TokenEndpointResponse?.RefreshToken;
            // With a refresh token the session lasts Auth:SessionHours (default 8), the token renewed as it goes;
            // without one it ends with the access token.
            context.Properties!.ExpiresUtc = string.IsNullOrEmpty(refreshToken)
                ? ConsoleClaims.Expires(accessToken)
                : context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()
                    .AddHours(section.GetValue("SessionHours", 8.0));
            context.Properties.IsPersistent = false;
            context.Properties.StoreTokens(string.IsNullOrEmpty(refreshToken)
                ? [new AuthenticationToken { Name = SessionStore.AccessTokenName, Value = accessToken }]
                : [new AuthenticationToken { Name = SessionStore.AccessTokenName, Value = accessToken },
                   new AuthenticationToken { Name = SessionStore.RefreshTokenName, Value = refreshToken }]);
            return Task.CompletedTask;
        };
    }

    public static void MapConsoleSignIn(this WebApplication app)
    {
        var oidc = UsesOidc(app.Configuration);
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(http.Request.PathBase + "/signin");
        }).RequireAuthorization();

        if (oidc)
        {
            // The sign-in page of OIDC is the provider's: /signin starts the code flow.
            app.MapGet("/signin/oidc", (string? returnUrl, HttpContext http) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = LocalUrl(http, returnUrl) }, [Oidc])).AllowAnonymous();
        }
        else if (app.Environment.IsDevelopment())
        {
            app.MapPost("/signin/dev", DevSignIn).AllowAnonymous();
        }
    }

    /// <summary>开发登录: only in Development, only without an OIDC authority.</summary>
    private static async Task<IResult> DevSignIn(
        [FromForm] DevSignInForm form, HttpContext http, IHttpClientFactory clients, ILoggerFactory logs)
    {
        var client = clients.CreateClient(nameof(Api.GatewayClient));
        var back = http.Request.PathBase + "/signin";
        Guid? schoolId = Guid.TryParse(form.SchoolId, out var school) ? school : null;
        if (schoolId is null && form.DemoSchool)
        {
            // A preset of the demo school's staff: the school the demo seed works in, looked up by its name.
            schoolId = await DemoSchool.FindAsync(client, form.Region?.Trim() ?? DemoSchool.County, orFirst: false);
            if (schoolId is null)
            {
                return Results.Redirect($"{back}?error={Uri.EscapeDataString($"演示学校（{DemoSchool.Name}）尚未登记，请先运行演示数据 / The demo school is not registered: run the demo seed (./run.sh)")}");
            }
        }
        var request = new
        {
            role = form.Role,
            region = form.Region?.Trim(),
            schoolId,
            memberUnitId = Guid.TryParse(form.MemberUnitId, out var unit) ? unit : (Guid?)null,
            department = ExactName.TryParse<Department>(form.Department, out var department) ? department.ToString() : null,
            subject = !string.IsNullOrWhiteSpace(form.Subject) ? form.Subject.Trim()
                : !string.IsNullOrWhiteSpace(form.Name) ? $"dev-{form.Name!.Trim()}"
                : string.IsNullOrWhiteSpace(form.Department) ? $"dev-{form.Role}-{form.Region}" : $"dev-{form.Role}-{form.Region}-{form.Department}",
            name = string.IsNullOrWhiteSpace(form.Name) ? null : form.Name.Trim(),
        };
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync("dev/token", request, Api.GatewayClient.Json);
        }
        catch (HttpRequestException e)
        {
            logs.CreateLogger("SignIn").LogWarning(e, "The gateway's development token issuer cannot be reached");
            return Results.Redirect($"{back}?error={Uri.EscapeDataString("网关不可达 / The gateway cannot be reached")}");
        }
        if (!response.IsSuccessStatusCode)
        {
            var problem = Api.ApiProblem.Parse(response.StatusCode, await response.Content.ReadAsStringAsync());
            var text = problem.Errors.Count > 0
                ? string.Join("; ", problem.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
                : problem.Summary;
            return Results.Redirect($"{back}?error={Uri.EscapeDataString(text)}");
        }
        var token = (await response.Content.ReadFromJsonAsync<DevTokenAnswer>(Api.GatewayClient.Json))!.AccessToken;
        var identity = ConsoleClaims.FromAccessToken(token, "dev", CookieAuthenticationDefaults.AuthenticationScheme);
        var properties = new AuthenticationProperties { ExpiresUtc = ConsoleClaims.Expires(token), IsPersistent = false };
        properties.StoreTokens([new AuthenticationToken { Name = SessionStore.AccessTokenName, Value = token }]);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity), properties);
        return Results.Redirect(LocalUrl(http, form.ReturnUrl));
    }

    /// <summary>Only a path of this console: never an open redirect.</summary>
    public static string LocalUrl(HttpContext http, string? returnUrl)
    {
        var home = http.Request.PathBase + "/";
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//") || returnUrl.StartsWith("/\\"))
        {
            return home;
        }
        return returnUrl.StartsWith(http.Request.PathBase + "/", StringComparison.Ordinal) || http.Request.PathBase == ""
            ? returnUrl
            : home;
    }

    public sealed class DevSignInForm
    {
        public string? Role { get; set; }
        public string? Region { get; set; }
        public string? SchoolId { get; set; }
        public string? MemberUnitId { get; set; }
        public string? Department { get; set; }
        public string? Name { get; set; }

        /// <summary>A preset's subject (the demo seed's staff: <c>demo-teacher</c>, ...); otherwise made from the name or role.</summary>
        public string? Subject { get; set; }

        /// <summary>A preset of the demo school's staff: without a school id, the demo school (<see cref="DemoSchool"/>).</summary>
        public bool DemoSchool { get; set; }

        public string? ReturnUrl { get; set; }
    }

    private sealed record DevTokenAnswer(string AccessToken);
}
