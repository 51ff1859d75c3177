using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JiaoLianTi.Platform.Identity;

/// <summary>
/// The bearer token handler of the gateway and every service, which remembers the tokens it has found valid (issue 20:
/// the gateway's cost per request). A client sends the same token with every request for its token's lifetime, and
/// checking it again (parsing, the signature, the claims built anew) was a tenth of the gateway's CPU per proxied
/// request and as much in each service. A token is remembered by its whole text, signature included, so only the very
/// same bytes match; it is answered from memory only before its own expiry (<c>exp</c>, without the clock skew the
/// first check allowed) and for at most <see cref="MaxAge"/>, so a token is never accepted after the time the full
/// check would refuse it, and a signing key withdrawn by the issuer stops being honoured within that time. Failures
/// are not remembered: an invalid token is checked in full each time. Each request gets its own copy of the claims,
/// so nothing one request adds to its principal reaches another.
/// </summary>
public sealed class ValidatedTokenCache : JsonWebTokenHandler
{
    /// <summary>The longest a token found valid is answered from memory.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Tokens remembered at most; past it the memory is emptied and refills with the tokens in use.</summary>
    public const int MaxEntries = 10_000;

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, Entry> valid = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;

    public ValidatedTokenCache(TimeProvider? clock = null)
    {
        this.clock = clock ?? TimeProvider.System;
        MapInboundClaims = false;
    }

    /// <summary>How many tokens are remembered now.</summary>
    public int Count => valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (valid.TryGetValue(token, out var entry))
        {
            if (now < entry.Until)
            {
                return Copy(entry.Result);
            }
            valid.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        // A token without an expiry is checked each time (the default parameters refuse it anyway).
        if (result.IsValid && result.SecurityToken is { ValidTo: var expires } && expires > DateTime.MinValue)
        {
            var until = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
            if (now + MaxAge < until)
            {
                until = now + MaxAge;
            }
            if (valid.Count >= MaxEntries)
            {
                valid.Clear();
            }
            valid[token] = new Entry(result, until);
            return Copy(result);
        }
        return result;
    }

    /// <summary>A result of its own for each request: the same token and issuer, a copy of the identity.</summary>
    private static TokenValidationResult Copy(TokenValidationResult kept) => new()
    {
        IsValid = true,
        SecurityToken = kept.SecurityToken,
        Issuer = kept.Issuer,
        ClaimsIdentity = kept.ClaimsIdentity.Clone(),
    };
}
