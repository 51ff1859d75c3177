using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Subscriptions.Replay;
using Marten;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
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
/// <para>
/// One shifted clock (<see cref="Clock"/>, a FakeTimeProvider that starts now and only moves forward) is the
/// provider's (the issue and expiry times of its tokens) and the replay tokens' (when to renew): a test moves it to a
/// token's last minute or past its end. Every request of a replay to a feed is recorded with its token and the clock's
/// time (<see cref="FeedRequests"/>). The services check the tokens with the real clock, which is behind the shifted
/// one, so a token the shifted clock calls valid is valid for them too. Feeds are read a page of one item at a time.
/// </para>
/// </summary>
public sealed class ProviderSystem : IAsyncLifetime
{
    public const string RelayClient = "jiaolianti-subscriptions";
    public const string RelaySecret = "relay-secret-不外传";
    public const string County = "510107";
    public WebApplication Provider { get; private set; } = null!;
    public SubscriptionsSystem System { get; } = new();
    public string Issuer { get; private set; } = "";
    /// <summary>The provider's and the replay tokens' clock.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    /// <summary>How long the provider's access tokens live.</summary>
    public static readonly TimeSpan TokenLife = TimeSpan.FromMinutes(30);
    /// <summary>Every request of a replay to a feed: the token it carried, and the shifted clock's time then.</summary>
    public ConcurrentQueue<(string Token, DateTimeOffset At)> FeedRequests { get; } = new();
    /// <summary>Run on each feed request after it is recorded (a test moves the clock during a replay with it).</summary>
    public Func<string, Task>? OnFeedRequest { get; set; }
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
        Issuer = $"http://127.0.0.1:{LoopbackPorts.Free()}/";
        Provider = StartProvider(Issuer, () => Interlocked.Increment(ref relayGrants), Clock);
        await Provider.StartAsync();
        System.WithSetting("Auth:Authority", Issuer).WithSetting("Auth:RequireHttpsMetadata", "false")
            .WithSetting("Replay:ClientId", RelayClient).WithSetting("Replay:ClientSecret", RelaySecret)
            .WithSetting("Replay:PageSize", "1")
            .Configure("subscriptions", services =>
            {
                // The replay tokens on the shifted clock (the rest of the service keeps the real one).
                services.AddSingleton(sp => new ReplayTokens(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>(),
                    Clock, sp.GetRequiredService<ILogger<ReplayTokens>>()));
                services.AddHttpClient("feeds").AddHttpMessageHandler(() => new FeedRecorder(this));
            });
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
    private static WebApplication StartProvider(string issuer, Action relayGranted, TimeProvider clock)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, new Uri(issuer).Port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(new Uri(issuer));
            options.SetTokenEndpointUris("connect/token");
            options.SetAccessTokenLifetime(TokenLife);
            options.Configure(o => o.TimeProvider = clock);
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

    /// <summary>The expiry (<c>exp</c>) of a JWT access token.</summary>
    public static DateTimeOffset Expiry(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
        return DateTimeOffset.FromUnixTimeSeconds(json.RootElement.GetProperty("exp").GetInt64());
    }

    /// <summary>Records each feed request of a replay as it leaves the subscriptions service.</summary>
    private sealed class FeedRecorder(ProviderSystem system) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri?.AbsolutePath == Platform.Messaging.IntegrationFeed.Path && request.Headers.Authorization?.Parameter is { } token)
            {
                system.FeedRequests.Enqueue((token, system.Clock.GetUtcNow()));
                if (system.OnFeedRequest is { } hook) await hook(token);
            }
            return await base.SendAsync(request, ct);
        }
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
    /// <summary>The bureau registers that many community committees in the county (the events a replay will read),
    /// and a civil-affairs webhook for MemberUnitRegistered there is requested and approved.</summary>
    private static async Task<Guid> UnitsAndAnApprovedWebhook(HttpClient bureau, HttpClient officer, int units, string name, string url)
    {
        for (var i = 0; i < units; i++)
        {
            var response = await bureau.PostAsJsonAsync("/api/alliances/units", new
            {
                kind = "CommunityCommittee", name = $"{name} 社区 {i} {Guid.NewGuid():N}", countyCode = ProviderSystem.County,
                contactOfficer = "李主任", contactPhone = "028-86000001",
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        var id = (await officer.Request(new
        {
            name, eventTypes = new[] { "MemberUnitRegistered" }, region = ProviderSystem.County, delivery = "Webhook", webhookUrl = url,
        })).Id();
        await bureau.Approve(id, null);
        return id;
    }

    [Fact]
    public async Task Replays_read_the_feeds_with_one_token_of_the_client_credentials_grant_kept_for_its_life()
    {
        using var bureau = await provider.Caller("test-bureau");
        using var officer = await provider.Caller("test-officer");
        var since = DateTimeOffset.UtcNow;
        var id = await UnitsAndAnApprovedWebhook(bureau, officer, units: 2, "民政（省级身份认证）", "https://mz.example.cn/hook");

        // Past the life of any token another test left behind: these replays need one of their own.
        provider.Clock.Advance(TimeSpan.FromDays(1));
        var (grants, obtained) = (provider.RelayGrants, Tokens.Grants);
        // Two replays: both read the feeds (the EventRelay role is required there), with one token from the provider.
        for (var replay = 0; replay < 2; replay++)
        {
            await Replayed(officer, id, since, replay + 1, delivered: 2);
        }
        var deliveries = await (await officer.GetAsync($"/api/subscriptions/{id}/deliveries")).ReadJson();
        Assert.Equal(2, deliveries.GetProperty("total").GetInt64());
        Assert.Equal(grants + 1, provider.RelayGrants);
        Assert.Equal(obtained + 1, Tokens.Grants);
    }

    /// <summary>
    /// Renewal on a shifted clock, against the real provider: a token is kept until its last minute, renewed within it,
    /// renewed when the clock passes its end while a replay reads page after page, and after a long idle spell; no
    /// feed request ever carries a token whose end the clock has passed.
    /// </summary>
    [Fact]
    public async Task The_event_relay_token_is_renewed_before_it_expires_and_an_expired_one_is_never_used()
    {
        using var bureau = await provider.Caller("test-bureau");
        using var officer = await provider.Caller("test-officer");
        var since = DateTimeOffset.UtcNow;
        var id = await UnitsAndAnApprovedWebhook(bureau, officer, units: 3, "民政（令牌续期）", "https://mz.example.cn/renewal");
        // The feed gives only what is below Alliances' high-water mark: until the daemon has passed the three units, a
        // replay would read fewer pages and the relay would bring the rest live (CI saw 3 requests once).
        await FeedHasAll();

        // 1. A fresh token (past any earlier one), used for every page of the replay (three pages of one item, and the end).
        provider.Clock.Advance(TimeSpan.FromDays(1));
        var grants = provider.RelayGrants;
        var first = await Replay(officer, id, since, 1);
        Assert.Single(first.Select(r => r.Token).Distinct());
        Assert.True(first.Count >= 4, $"{first.Count} feed requests");
        Assert.Equal(grants + 1, provider.RelayGrants);
        var t1 = first[0].Token;
        // The provider issued it on the shifted clock: it lives TokenLife from then (exp is in whole seconds).
        Assert.InRange(ProviderSystem.Expiry(t1) - first[0].At, ProviderSystem.TokenLife - TimeSpan.FromSeconds(2), ProviderSystem.TokenLife + TimeSpan.FromSeconds(1));

        // 2. Five minutes before its end the token is still the one to use: no new grant.
        provider.Clock.SetUtcNow(ProviderSystem.Expiry(t1) - TimeSpan.FromMinutes(5));
        var kept = await Replay(officer, id, since, 2);
        Assert.All(kept, r => Assert.Equal(t1, r.Token));
        Assert.Equal(grants + 1, provider.RelayGrants);

        // 3. In its last minute (near expiry) it is renewed before the replay reads.
        provider.Clock.SetUtcNow(ProviderSystem.Expiry(t1) - TimeSpan.FromSeconds(30));
        var renewed = await Replay(officer, id, since, 3);
        var t2 = Assert.Single(renewed.Select(r => r.Token).Distinct());
        Assert.NotEqual(t1, t2);
        Assert.Equal(grants + 2, provider.RelayGrants);

        // 4. The clock passes the token's end while a replay reads its pages: the next page carries a new token.
        var moved = 0;
        provider.OnFeedRequest = token =>
        {
            if (Interlocked.Exchange(ref moved, 1) == 0) provider.Clock.SetUtcNow(ProviderSystem.Expiry(token) + TimeSpan.FromMinutes(1));
            return Task.CompletedTask;
        };
        List<(string Token, DateTimeOffset At)> during;
        try
        {
            during = await Replay(officer, id, since, 4);
        }
        finally
        {
            provider.OnFeedRequest = null;
        }
        Assert.Equal(t2, during[0].Token);
        var t3 = Assert.Single(during.Skip(1).Select(r => r.Token).Distinct());
        Assert.NotEqual(t2, t3);

        // 5. A long idle spell (a week): the next replay does not use the old token.
        provider.Clock.Advance(TimeSpan.FromDays(7));
        var idle = await Replay(officer, id, since, 5);
        Assert.DoesNotContain(idle, r => r.Token == t3);

        // Never an expired token: every feed request carried one whose end was still ahead of the clock.
        Assert.All(first.Concat(kept).Concat(renewed).Concat(during).Concat(idle),
            r => Assert.True(ProviderSystem.Expiry(r.Token) > r.At, $"a token that expired at {ProviderSystem.Expiry(r.Token):O} was sent at {r.At:O}"));
        // Each replay gave the three units once (webhook deliveries keep one per event).
        var deliveries = await (await officer.GetAsync($"/api/subscriptions/{id}/deliveries")).ReadJson();
        Assert.Equal(3, deliveries.GetProperty("total").GetInt64());
    }

    /// <summary>Waits until Alliances' high-water mark has passed every event in its store (so a feed reads them all).</summary>
    private async Task FeedHasAll()
    {
        var store = provider.System.Services("alliances").GetRequiredService<IDocumentStore>();
        var last = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
        await Eventually.Until(async () =>
                (await store.Advanced.AllProjectionProgress()).FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0,
            mark => mark >= last, TimeSpan.FromSeconds(60));
    }

    private ReplayTokens Tokens => provider.System.Services("subscriptions").GetRequiredService<ReplayTokens>();

    /// <summary>Asks for replay number <paramref name="count"/>, waits until it completed; returns its feed requests.</summary>
    private async Task<List<(string Token, DateTimeOffset At)>> Replay(HttpClient officer, Guid id, DateTimeOffset since, int count)
    {
        var before = provider.FeedRequests.Count;
        await Replayed(officer, id, since, count, delivered: 3);
        return provider.FeedRequests.Skip(before).ToList();
    }

    private static async Task Replayed(HttpClient officer, Guid id, DateTimeOffset since, int count, int delivered)
    {
        Assert.Equal(HttpStatusCode.OK, (await officer.Command(id, "replays", new { since })).StatusCode);
        var done = await Eventually.Until(async () => await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson(),
            s => s.GetProperty("replays").EnumerateArray().All(r => r.TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String)
                 && s.GetProperty("replays").GetArrayLength() == count, TimeSpan.FromSeconds(90));
        var latest = done.GetProperty("replays").EnumerateArray().Last();
        Assert.Equal(JsonValueKind.String, latest.GetProperty("completedAt").ValueKind);
        Assert.Equal(delivered, latest.GetProperty("delivered").GetInt32());
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
