using System.Net.Http.Json;
using System.Text.Json.Serialization;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Subscriptions.Replay;

/// <summary>
/// The EventRelay service account's access token, with which replays read the owning services' feeds:
/// <list type="number">
/// <item>with <c>Replay:ClientId</c> and <c>Replay:ClientSecret</c>: an OAuth 2.0 client-credentials grant at the
/// identity provider named by <c>Auth:Authority</c> (its token endpoint from the discovery document
/// <c>/.well-known/openid-configuration</c>; <c>Replay:Scope</c> if the provider wants one), kept until a minute
/// before it expires (or, if it lives shorter, until 90 % of its life);</item>
/// <item>else <c>Replay:Token</c>, a token issued beforehand;</item>
/// <item>else, in Development only, one minted by the development issuer.</item>
/// </list>
/// </summary>
public sealed class ReplayTokens(IConfiguration configuration, IHostEnvironment environment, TimeProvider clock, ILogger<ReplayTokens> logger)
    : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private string? cached;
    private DateTimeOffset renewAt;
    private Uri? tokenEndpoint;

    /// <summary>How many tokens were obtained from the provider (the tests see the cache work).</summary>
    public int Grants { get; private set; }

    public async Task<string> Token(CancellationToken ct)
    {
        if (configuration["Replay:ClientId"] is { Length: > 0 } clientId)
        {
            return await ClientCredentials(clientId, configuration["Replay:ClientSecret"] ?? "", ct);
        }
        if (configuration["Replay:Token"] is { Length: > 0 } token)
        {
            return token;
        }
        if (environment.IsDevelopment())
        {
            return DevTokens.Mint(configuration, new TokenRequest(Role.EventRelay, "", Subject: SubscriptionsService.Name), TimeSpan.FromMinutes(10));
        }
        throw new InvalidOperationException(
            "Replay:ClientId and Replay:ClientSecret (the EventRelay client at Auth:Authority) are not set, nor Replay:Token.");
    }

    private async Task<string> ClientCredentials(string clientId, string secret, CancellationToken ct)
    {
        if (cached is { } current && clock.GetUtcNow() < renewAt)
        {
            return current;
        }
        await gate.WaitAsync(ct);
        try
        {
            if (cached is { } again && clock.GetUtcNow() < renewAt)
            {
                return again;
            }
            tokenEndpoint ??= await Discover(ct);
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
            };
            if (configuration["Replay:Scope"] is { Length: > 0 } scope)
            {
                form["scope"] = scope;
            }
            var asked = clock.GetUtcNow();
            using var response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"The identity provider refused the EventRelay client's token request: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
            var answer = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                ?? throw new InvalidOperationException("The identity provider's token response was empty.");
            var life = TimeSpan.FromSeconds(answer.ExpiresIn is > 0 ? answer.ExpiresIn.Value : 300);
            var margin = life > TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(1) : life / 10;
            cached = answer.AccessToken;
            renewAt = asked + life - margin;
            Grants++;
            logger.LogInformation("EventRelay token obtained from {Endpoint}, valid for {Life}", tokenEndpoint, life);
            return cached;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Uri> Discover(CancellationToken ct)
    {
        var authority = configuration["Auth:Authority"] is { Length: > 0 } set ? set.TrimEnd('/')
            : throw new InvalidOperationException("Auth:Authority is not set: the identity provider of the client-credentials grant.");
        var discovery = await http.GetFromJsonAsync<Discovery>($"{authority}/.well-known/openid-configuration", ct);
        return discovery?.TokenEndpoint is { Length: > 0 } endpoint ? new Uri(endpoint)
            : throw new InvalidOperationException($"{authority}'s discovery document names no token_endpoint.");
    }

    public void Dispose()
    {
        http.Dispose();
        gate.Dispose();
    }

    private sealed record Discovery([property: JsonPropertyName("token_endpoint")] string? TokenEndpoint);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}
