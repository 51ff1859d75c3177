using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Subscriptions.Replay;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Xunit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// The system as production runs it: every token from a real OpenID Connect provider (OpenIddict 7.8, started here,
/// plain HTTP on loopback), and the subscriptions service reading the replay feeds with an EventRelay token it gets
/// itself by the client-credentials grant (<c>Replay:ClientId</c>/<c>Replay:ClientSecret</c>; no <c>Replay:Token</c>).
/// The test callers (an officer, a bureau) get theirs from the same provider, by the same grant.
/// </summary>
public sealed class ProviderSystem : IAsyncLifetime
{
    public const string RelayClient = "jiaolianti-subscriptions";
    public const string RelaySecret = "relay-secret-不外传";
    public const string County = "510107";
    public WebApplication Provider { get; private set; } = null!;
    public SubscriptionsSystem System { get; } = new();
    public string Issuer { get; private set; } = "";
    private int relayGrants;
    /// <summary>How many EventRelay tokens the provider issued.</summary>
    public int RelayGrants => Volatile.Read(ref relayGrants);

    /// <summary>The provider's clients: id → (secret, the claims of its tokens).</summary>
    private static readonly Dictionary<string, (string Secret, (string Type, string Value)[] Claims)> Clients = new()
    {
        [RelayClient] = (RelaySecret, [(ClaimNames.Role, nameof(Role.EventRelay))]),
        ["test-officer"] = ("officer-secret", [(ClaimNames.Role, nameof(Role.DepartmentOfficer)), (ClaimNames.Region, County),
            (ClaimNames.Department, nameof(Department.CivilAffairs))]),
        ["test-bureau"] = ("bureau-secret", [(ClaimNames.Role, nameof(Role.CountyAdmin)), (ClaimNames.Region, County)]),
    };

    public async Task InitializeAsync()
    {
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Issuer = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }
        Provider = StartProvider(Issuer, () => Interlocked.Increment(ref relayGrants));
        await Provider.StartAsync();
        System.WithSetting("Auth:Authority", Issuer).WithSetting("Auth:RequireHttpsMetadata", "false")
            .WithSetting("Replay:ClientId", RelayClient).WithSetting("Replay:ClientSecret", RelaySecret);
        await System.InitializeAsync();
    }

    /// <summary>A client of the gateway with a token the provider issued to <paramref name="clientId"/>.</summary>
    public async Task<HttpClient> Caller(string clientId)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(new Uri(Issuer), "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = Clients[clientId].Secret,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var client = System.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A province identity provider in miniature, for service accounts: the client-credentials grant only.</summary>
    private static WebApplication StartProvider(string issuer, Action relayGranted)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, new Uri(issuer).Port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(new Uri(issuer));
            options.SetTokenEndpointUris("connect/token");
            options.AllowClientCredentialsFlow();
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.DisableAccessTokenEncryption();
            // No client store: the clients above are checked by this handler.
            options.EnableDegradedMode();
            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId is not { } id || !Clients.TryGetValue(id, out var client) || context.ClientSecret != client.Secret)
                {
                    context.Reject(Errors.InvalidClient, "unknown client or wrong secret");
                }
                return default;
            }));
            options.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
        });
        var app = builder.Build();
        app.MapPost("/connect/token", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, request.ClientId!));
            foreach (var (type, value) in Clients[request.ClientId!].Claims)
            {
                identity.AddClaim(new Claim(type, value));
            }
            identity.SetResources(DevTokens.Audience);
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            if (request.ClientId == RelayClient)
            {
                relayGranted();
            }
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        return app;
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ProviderCollection : ICollectionFixture<ProviderSystem>
{
    public const string Name = "provider";
}

[Collection(ProviderCollection.Name)]
public sealed class ClientCredentialsTests(ProviderSystem provider)
{
    [Fact]
    public async Task Replays_read_the_feeds_with_one_token_of_the_client_credentials_grant_kept_for_its_life()
    {
        using var bureau = await provider.Caller("test-bureau");
        using var officer = await provider.Caller("test-officer");
        var since = DateTimeOffset.UtcNow;
        for (var i = 0; i < 2; i++)
        {
            var response = await bureau.PostAsJsonAsync("/api/alliances/units", new
            {
                kind = "CommunityCommittee", name = $"青羊社区 {i} {Guid.NewGuid():N}", countyCode = ProviderSystem.County,
                contactOfficer = "李主任", contactPhone = "028-86000001",
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var id = (await officer.Request(new
        {
            name = "民政（省级身份认证）", eventTypes = new[] { "MemberUnitRegistered" }, region = ProviderSystem.County, delivery = "Webhook",
            webhookUrl = "https://mz.example.cn/hook",
        })).Id();
        await bureau.Approve(id, null);

        // Two replays: both read the feeds (the EventRelay role is required there), with one token from the provider.
        for (var replay = 0; replay < 2; replay++)
        {
            Assert.Equal(HttpStatusCode.OK, (await officer.Command(id, "replays", new { since })).StatusCode);
            var done = await Eventually.Until(async () => await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson(),
                s => s.GetProperty("replays").EnumerateArray().All(r => r.TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String)
                     && s.GetProperty("replays").GetArrayLength() == replay + 1, TimeSpan.FromSeconds(60));
            var latest = done.GetProperty("replays").EnumerateArray().Last();
            Assert.Equal(JsonValueKind.String, latest.GetProperty("completedAt").ValueKind);
            Assert.Equal(2, latest.GetProperty("delivered").GetInt32());
        }
        var deliveries = await (await officer.GetAsync($"/api/subscriptions/{id}/deliveries")).ReadJson();
        Assert.Equal(2, deliveries.GetProperty("total").GetInt64());
        Assert.Equal(1, provider.RelayGrants);
        Assert.Equal(1, provider.System.Services("subscriptions").GetRequiredService<ReplayTokens>().Grants);
    }

    [Fact]
    public async Task The_feed_refuses_a_caller_without_the_event_relay_role()
    {
        // The same provider's token for a department officer does not open a service's replay feed.
        using var officer = await provider.Caller("test-officer");
        using var direct = new HttpClient { BaseAddress = provider.System.Address("alliances") };
        direct.DefaultRequestHeaders.Authorization = officer.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.Forbidden, (await direct.GetAsync(Platform.Messaging.IntegrationFeed.Path)).StatusCode);
    }
}
