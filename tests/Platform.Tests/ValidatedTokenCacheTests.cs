using System.Security.Claims;
using System.Text;
using JiaoLianTi.Platform.Identity;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The bearer token handler that remembers valid tokens (ValidatedTokenCache): a remembered token is answered only
/// while the full check would still accept it, only for the very same text, and never shares its claims.
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("a-signing-key-for-the-token-cache-tests-0123456789"));
    private static readonly SymmetricSecurityKey OtherKey = new(Encoding.UTF8.GetBytes("another-signing-key-nobody-signed-with-9876543210"));

    private static TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidIssuer = DevTokens.Issuer,
        ValidAudience = DevTokens.Audience,
        IssuerSigningKey = key,
        NameClaimType = ClaimNames.Subject,
        RoleClaimType = ClaimNames.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    private static string Token(TimeSpan? lifetime = null) =>
        DevTokens.Mint(Key, new TokenRequest(Role.CountyAdmin, "510104", Subject: "county-1"), lifetime);

    [Fact]
    public async Task A_valid_token_is_remembered_and_each_request_gets_its_own_claims()
    {
        var clock = new ManualClock();
        var handler = new ValidatedTokenCache(clock);
        var token = Token();

        var first = await handler.ValidateTokenAsync(token, Parameters(Key));
        Assert.True(first.IsValid);
        Assert.Equal(1, handler.Count);
        first.ClaimsIdentity.AddClaim(new Claim("added-by-one-request", "x"));

        // Checked against a key that did not sign it: the remembered answer is given, so no full check ran.
        var second = await handler.ValidateTokenAsync(token, Parameters(OtherKey));
        Assert.True(second.IsValid);
        Assert.Equal("county-1", second.ClaimsIdentity.Name);
        Assert.Equal("CountyAdmin", second.ClaimsIdentity.FindFirst(ClaimNames.Role)?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("added-by-one-request"));
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Same(first.SecurityToken, second.SecurityToken);
    }

    [Fact]
    public async Task A_remembered_token_is_checked_in_full_again_after_the_longest_memory()
    {
        var clock = new ManualClock();
        var handler = new ValidatedTokenCache(clock);
        var token = Token();
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(Key))).IsValid);

        clock.Advance(ValidatedTokenCache.MaxAge + TimeSpan.FromSeconds(1));
        // The signing key is no longer trusted: the full check runs and refuses it.
        var later = await handler.ValidateTokenAsync(token, Parameters(OtherKey));
        Assert.False(later.IsValid);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task A_remembered_token_is_not_answered_from_memory_past_its_expiry()
    {
        var clock = new ManualClock();
        var handler = new ValidatedTokenCache(clock);
        var token = Token(lifetime: TimeSpan.FromMinutes(2)); // expires before the longest memory
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(Key))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid); // still remembered

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.False((await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid);
    }

    [Fact]
    public async Task Only_the_same_text_matches_and_failures_are_not_remembered()
    {
        var handler = new ValidatedTokenCache(new ManualClock());
        var token = Token();
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(Key))).IsValid);

        // The same header and claims with the signature's last characters changed: a different text, checked in full.
        var tampered = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var refused = await handler.ValidateTokenAsync(tampered, Parameters(Key));
        Assert.False(refused.IsValid);

        var foreign = DevTokens.Mint(OtherKey, new TokenRequest(Role.ProvinceAdmin, "51"));
        Assert.False((await handler.ValidateTokenAsync(foreign, Parameters(Key))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(foreign, Parameters(Key))).IsValid);
        Assert.Equal(1, handler.Count);
    }

    /// <summary>A clock the test moves by hand; the tokens' own times come from the real clock (they start now).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => now;
        public void Advance(TimeSpan by) => now += by;
    }
}
