using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JiaoLianTi.Platform.Identity;

/// <summary>
/// The development token issuer: mints a token for a chosen role and region. Used by the gateway's
/// Development-only <c>POST /dev/token</c> and by the tests. Never trusted outside Development.
/// </summary>
public static class DevTokens
{
    public const string Issuer = "jiaolianti-dev";
    public const string Audience = "jiaolianti";
    private const string DefaultKey = "jiaolianti-development-signing-key-not-for-production-use!";

    public static SymmetricSecurityKey SigningKey(IConfiguration configuration)
        => new(Encoding.UTF8.GetBytes(configuration["Auth:DevSigningKey"] ?? DefaultKey));

    public static string Mint(IConfiguration configuration, TokenRequest request, TimeSpan? lifetime = null)
        => Mint(SigningKey(configuration), request, lifetime);

    public static string Mint(SecurityKey key, TokenRequest request, TimeSpan? lifetime = null)
    {
        var claims = new Dictionary<string, object>
        {
            [ClaimNames.Subject] = request.Subject ?? $"{request.Role}-{request.Region}",
            [ClaimNames.Role] = request.Role.ToString(),
        };
        if (!string.IsNullOrEmpty(request.Region)) claims[ClaimNames.Region] = request.Region;
        if (request.Name is not null) claims[ClaimNames.Name] = request.Name;
        if (request.SchoolId is { } school) claims[ClaimNames.SchoolId] = school.ToString();
        if (request.MemberUnitId is { } unit) claims[ClaimNames.MemberUnitId] = unit.ToString();
        if (request.Department is { } department) claims[ClaimNames.Department] = department.ToString();
        if (request.Children is { Count: > 0 } children) claims[ClaimNames.Child] = children.Select(c => c.ToString()).ToArray();

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.Add(lifetime ?? TimeSpan.FromHours(8)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>What a development token says about its bearer (<paramref name="Region"/> may be empty only for
/// <see cref="Role.EventRelay"/>, a service account).</summary>
public sealed record TokenRequest(
    Role Role, string Region, Guid? SchoolId = null, Guid? MemberUnitId = null, string? Subject = null, string? Name = null,
    IReadOnlyList<Guid>? Children = null, Department? Department = null);
