using System.Net;
using System.Security.Claims;
using JiaoLianTi.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore;
using Microsoft.Playwright;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Xunit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// Sign-in outside Development: OpenID Connect (code flow with PKCE) against a real provider (OpenIddict 7.8,
/// started here) whose tokens the gateway and the services also trust (Auth:Authority): the console, the gateway and
/// the five services all configured as production would be, but for plain HTTP on loopback.
/// </summary>
public sealed class OidcSystem : IAsyncLifetime
{
    public const string ClientId = "jiaolianti-console";
    public WebApplication Provider { get; private set; } = null!;
    public TestSystem System { get; } = new();
    public IServiceHost Console { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Issuer { get; private set; } = "";
    /// <summary>The console's clock (real time plus an offset): a test moves it to "just before the token expires".</summary>
    public ShiftedClock ConsoleClock { get; } = new();
    private int refreshGrants;
    /// <summary>How many times the console refreshed a token at the provider (grant_type=refresh_token).</summary>
    public int RefreshGrants => Volatile.Read(ref refreshGrants);
    public string ConsoleDatabase { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var providerPort = LoopbackPorts.Free();
        Issuer = $"http://127.0.0.1:{providerPort}/";
        Provider = StartProvider(providerPort, Issuer, () => Interlocked.Increment(ref refreshGrants));
        await Provider.StartAsync();

        var consolePort = LoopbackPorts.Free();
        System.WithSetting("Auth:Authority", Issuer).WithSetting("Auth:RequireHttpsMetadata", "false")
            .WithSetting("services:console:http:0", $"http://127.0.0.1:{consolePort}");
        await System.InitializeAsync();
        ConsoleDatabase = await System.Servers.CreateDatabaseAsync($"{System.Id}_console");
        var demoMap = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "console", "wwwroot", "maps", "sichuan-counties.json");
        Console = ConsoleSystem.StartConsole(consolePort, new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Console:Gateway"] = System.GatewayAddress.ToString(),
            ["Console:Map:GeoJson"] = Path.GetFullPath(demoMap),
            ["Auth:Authority"] = Issuer,
            ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:ClientId"] = ClientId,
            ["ConnectionStrings:consoledb"] = ConsoleDatabase,
        }, services => services.AddSingleton<TimeProvider>(ConsoleClock));
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await ConsoleSystem.LaunchAsync(Playwright);
    }

    /// <summary>A province identity provider in miniature: it signs in a 锦江区 county officer without asking, and
    /// refreshes its tokens (access tokens last OpenIddict's default hour).</summary>
    private static WebApplication StartProvider(int port, string issuer, Action refreshed)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(new Uri(issuer));
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.DisableAccessTokenEncryption();
            // No client store here: the one client is checked by these handlers.
            options.EnableDegradedMode();
            options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, "unknown client");
                return default;
            }));
            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, "unknown client");
                else if (context.Request.IsRefreshTokenGrantType()) refreshed();
                return default;
            }));
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
        });
        var app = builder.Build();
        app.MapGet("/connect/authorize", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, "oidc-jinjiang-officer"));
            identity.AddClaim(new Claim(Claims.Name, "李科长"));
            identity.AddClaim(new Claim(Claims.Role, "CountyAdmin"));
            identity.AddClaim(new Claim("region", ConsoleSystem.Jinjiang));
            identity.SetScopes(request.GetScopes());
            identity.SetResources("jiaolianti");
            identity.SetDestinations(claim => claim.Type is "role" or "region"
                ? [Destinations.AccessToken]
                : [Destinations.AccessToken, Destinations.IdentityToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        return app;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        if (Console is not null) await Console.DisposeAsync();
        await System.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OidcCollection : ICollectionFixture<OidcSystem>
{
    public const string Name = "oidc";
}

[Collection(OidcCollection.Name)]
public sealed class OidcTests(OidcSystem oidc)
{
    [Fact]
    public async Task Outside_Development_a_county_officer_signs_in_through_the_provider_and_the_API_accepts_the_token()
    {
        var context = await oidc.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = oidc.System.GatewayAddress.ToString(), Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        // The first sign-in warms up the provider, the console's OIDC handler and a second whole system: be patient.
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console/coverage");
        // Through the provider (code flow) and back to the page asked for, via the gateway's address.
        await page.WaitForURLAsync(url => url.StartsWith(oidc.System.GatewayAddress + "console/coverage"));
        await ConsoleSystem.InteractiveAsync(page);
        var who = page.Locator("[data-test=who]");
        await Assertions.Expect(who).ToContainTextAsync("李科长");
        await Assertions.Expect(who).ToContainTextAsync("CountyAdmin");
        await Assertions.Expect(who).Not.ToContainTextAsync("开发登录");
        // The console called the API with the provider's token: the gateway and Alliances accepted it.
        var figure = page.Locator("[data-test=coverage-figure]");
        // A fresh system: none of Sichuan's 183 counties established; the officer's own county selected.
        await Assertions.Expect(figure).ToContainTextAsync("四川省：已建成 0 / 183");
        await Assertions.Expect(page.Locator("[data-test=selected]")).ToContainTextAsync("锦江区");
        await page.Locator("[data-test=map][data-features]").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "10-oidc-coverage.png") });

        // The development sign-in does not exist here.
        var dev = await context.APIRequest.PostAsync("/console/signin/dev");
        Assert.Contains(dev.Status, new[] { 400, 404, 405 });
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_with_the_refresh_token_and_the_session_goes_on()
    {
        var context = await oidc.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = oidc.System.GatewayAddress.ToString(), Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console/alliances");
        await page.WaitForURLAsync(url => url.StartsWith(oidc.System.GatewayAddress + "console/alliances"));
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=who]")).ToContainTextAsync("李科长");
        var before = oidc.RefreshGrants;

        // 59 minutes on for the console: the hour-long access token is within Auth:RefreshBefore (2 min) of expiring.
        oidc.ConsoleClock.Advance(TimeSpan.FromMinutes(59));
        try
        {
            await page.GotoAsync("/console/coverage");
            await ConsoleSystem.InteractiveAsync(page);
            // Still signed in (not sent to the provider again), and the API accepts the refreshed token.
            Assert.StartsWith(oidc.System.GatewayAddress + "console/coverage", page.Url);
            await Assertions.Expect(page.Locator("[data-test=coverage-figure]")).ToContainTextAsync("四川省");
            Assert.True(oidc.RefreshGrants > before, "the console refreshed the token at the provider");
            Assert.Equal(0, await page.Locator("[data-test=problem]").CountAsync());
            // The store holds the new token: the session's row was refreshed.
            await using var connection = new Npgsql.NpgsqlConnection(oidc.ConsoleDatabase);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM console.sessions WHERE refreshed_at IS NOT NULL", connection);
            Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
        }
        finally
        {
            oidc.ConsoleClock.Advance(TimeSpan.FromMinutes(-59));
        }
        await context.CloseAsync();
    }

    private static string ScreenshotFolder()
    {
        var dir = Environment.GetEnvironmentVariable("JLT_SCREENSHOTS") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "jiaolianti-console-screenshots");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
