using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// Keeps each session on the server, in the console's database (<c>console.sessions</c>), shared by every replica:
/// the ticket (claims) and, apart from it, the access and refresh tokens, all protected with the shared Data
/// Protection keys. The browser's cookie carries only the session's key; the ticket carries the key as a claim
/// (<see cref="ConsoleClaims.Session"/>) so that a circuit finds its tokens (<see cref="Tokens"/>).
/// </summary>
public sealed class SessionStore(ConsoleStore store, IDataProtectionProvider protection, TimeProvider clock) : ITicketStore
{
    public const string AccessTokenName = "access_token";
    public const string RefreshTokenName = "refresh_token";

    private readonly IDataProtector tickets = protection.CreateProtector("JiaoLianTi.Console.Session.Ticket");
    private readonly IDataProtector tokens = protection.CreateProtector("JiaoLianTi.Console.Session.Token");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        ((ClaimsIdentity)ticket.Principal.Identity!).AddClaim(new Claim(ConsoleClaims.Session, key));
        // The tokens live in their own columns (a refresh replaces them without touching the ticket).
        var access = ticket.Properties.GetTokenValue(AccessTokenName);
        var refresh = ticket.Properties.GetTokenValue(RefreshTokenName);
        ticket.Properties.StoreTokens([]);
        var now = clock.GetUtcNow();
        await using (var sweep = store.Data.CreateCommand("DELETE FROM console.sessions WHERE expires < $1"))
        {
            sweep.Parameters.AddWithValue(now);
            await sweep.ExecuteNonQueryAsync();
        }
        await using var command = store.Data.CreateCommand("""
            INSERT INTO console.sessions (key, ticket, access_token, refresh_token, access_expires, expires)
            VALUES ($1, $2, $3, $4, $5, $6)
            """);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(tickets.Protect(TicketSerializer.Default.Serialize(ticket)));
        command.Parameters.AddWithValue(Protect(access));
        command.Parameters.AddWithValue(Protect(refresh));
        command.Parameters.AddWithValue(access is null ? DBNull.Value : (object?)ConsoleClaims.Expires(access) ?? DBNull.Value);
        command.Parameters.AddWithValue(ticket.Properties.ExpiresUtc ?? now.AddHours(8));
        await command.ExecuteNonQueryAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var command = store.Data.CreateCommand("UPDATE console.sessions SET ticket = $2, expires = $3 WHERE key = $1");
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(tickets.Protect(TicketSerializer.Default.Serialize(ticket)));
        command.Parameters.AddWithValue(ticket.Properties.ExpiresUtc ?? clock.GetUtcNow().AddHours(8));
        await command.ExecuteNonQueryAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var command = store.Data.CreateCommand("SELECT ticket FROM console.sessions WHERE key = $1 AND expires > $2");
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        if (await command.ExecuteScalarAsync() is not byte[] protectedTicket)
        {
            return null;
        }
        try
        {
            return TicketSerializer.Default.Deserialize(tickets.Unprotect(protectedTicket));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public async Task RemoveAsync(string key)
    {
        await using var command = store.Data.CreateCommand("DELETE FROM console.sessions WHERE key = $1");
        command.Parameters.AddWithValue(key);
        await command.ExecuteNonQueryAsync();
    }

    internal object Protect(string? token) => token is null ? DBNull.Value : tokens.Protect(System.Text.Encoding.UTF8.GetBytes(token));

    internal string? Unprotect(object value) =>
        value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(tokens.Unprotect(bytes)) : null;
}

public sealed class SessionStoreSetup(SessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}
