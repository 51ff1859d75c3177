using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// Who is signed in, as the console keeps it in its server-side session: the claims of the access token (the same
/// ones the gateway and the services read: <c>role</c>, <c>region</c>, <c>school_id</c>, <c>member_unit_id</c>) and
/// the access token itself, which never leaves the server.
/// </summary>
public static class ConsoleClaims
{
    public const string Role = ClaimNames.Role;
    public const string Region = ClaimNames.Region;
    public const string SchoolId = ClaimNames.SchoolId;
    public const string MemberUnitId = ClaimNames.MemberUnitId;
    public const string Subject = ClaimNames.Subject;
    public const string Name = ClaimNames.Name;
    public const string Child = ClaimNames.Child;
    /// <summary>The key of the server-side session (SessionStore), where its tokens are kept for the gateway.</summary>
    public const string Session = "jlt_session";
    /// <summary>How the person signed in: <c>oidc</c> or <c>dev</c> (开发登录).</summary>
    public const string Method = "jlt_signin";

    private static readonly string[] Copied = [Role, Region, SchoolId, MemberUnitId, Subject, Name, Child];

    /// <summary>The session's identity from an access token (its claims are not re-validated here: the console
    /// received it over its own server-to-server channel; the gateway validates it on every call). The token itself
    /// goes into the session's properties (<see cref="Tokens"/>), which the store keeps apart from the claims.</summary>
    public static ClaimsIdentity FromAccessToken(string accessToken, string method, string authenticationType)
    {
        var token = new JsonWebToken(accessToken);
        var identity = new ClaimsIdentity(authenticationType, Subject, Role);
        foreach (var claim in token.Claims.Where(c => Copied.Contains(c.Type)))
        {
            identity.AddClaim(new Claim(claim.Type, claim.Value));
        }
        identity.AddClaim(new Claim(Method, method));
        return identity;
    }

    public static DateTimeOffset? Expires(string accessToken)
    {
        var token = new JsonWebToken(accessToken);
        return token.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
    }
}
