using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// The access token of a session, for the gateway: read from the shared store, and refreshed with the refresh token
/// before it expires (<c>Auth:RefreshBefore</c>, default 2 minutes). The refresh holds the session's row locked, so
/// two replicas (or two tabs) never spend the same refresh token twice: the second finds the fresh token. When the
/// refresh fails the token is used until it expires, and then the person signs in again. Kept per circuit in memory
/// until it is due.
/// </summary>
public sealed class Tokens(SessionStore sessions, ConsoleStore store, TimeProvider clock, IConfiguration configuration,
    ILogger<Tokens> log, IServiceProvider services)
{
    private string? cachedKey, cachedToken;
    private DateTimeOffset cachedExpires;
    private readonly SemaphoreSlim gate = new(1, 1);

    private TimeSpan RefreshBefore => configuration.GetValue("Auth:RefreshBefore", TimeSpan.FromMinutes(2));

    public async Task<string?> AccessTokenAsync(string sessionKey, CancellationToken ct = default)
    {
        if (cachedKey == sessionKey && cachedToken is not null && cachedExpires - clock.GetUtcNow() > RefreshBefore)
        {
            return cachedToken;
        }
        await gate.WaitAsync(ct);
        try
        {
            var (token, expires) = await FromStoreAsync(sessionKey, ct);
            (cachedKey, cachedToken, cachedExpires) = (sessionKey, token, expires ?? DateTimeOffset.MaxValue);
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(string? Token, DateTimeOffset? Expires)> FromStoreAsync(string key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await store.Data.OpenConnectionAsync(ct);
        // Most reads: the token is not due, no lock.
        var row = await ReadAsync(connection, null, key, now, ct);
        if (row is not { } found || !Due(found, now))
        {
            return row is { } r ? (r.Access, r.Expires) : (null, null);
        }
        // Due: lock the row, read again (another replica may have refreshed it meanwhile), refresh, write.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        row = await ReadAsync(connection, transaction, key, now, ct);
        if (row is not { } locked || !Due(locked, now))
        {
            return row is { } r ? (r.Access, r.Expires) : (null, null);
        }
        var refreshed = locked.Refresh is null ? null : await RefreshAsync(locked.Refresh, ct);
        if (refreshed is null)
        {
            // Not refreshed: the token serves until it expires; then sign in again.
            return locked.Expires > now ? (locked.Access, locked.Expires) : (null, null);
        }
        var newExpires = ConsoleClaims.Expires(refreshed.Value.Access) ?? now.AddMinutes(5);
        await using (var write = new NpgsqlCommand(
            "UPDATE console.sessions SET access_token = $2, refresh_token = $3, access_expires = $4, refreshed_at = $5 WHERE key = $1", connection, transaction))
        {
            write.Parameters.AddWithValue(key);
            write.Parameters.AddWithValue(sessions.Protect(refreshed.Value.Access));
            write.Parameters.AddWithValue(sessions.Protect(refreshed.Value.Refresh ?? locked.Refresh));
            write.Parameters.AddWithValue(newExpires);
            write.Parameters.AddWithValue(now);
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        log.LogInformation("Session's access token refreshed; it now expires at {Expires:O}", newExpires);
        return (refreshed.Value.Access, newExpires);
    }

    private sealed record Row(string? Access, string? Refresh, DateTimeOffset? Expires);

    /// <summary>Due for a refresh: it has one, and expires within <c>Auth:RefreshBefore</c>.</summary>
    private bool Due(Row row, DateTimeOffset now) => row.Access is not null && row.Expires is { } expires && expires - now <= RefreshBefore;

    private async Task<Row?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string key, DateTimeOffset now, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand(
            "SELECT access_token, refresh_token, access_expires FROM console.sessions WHERE key = $1 AND expires > $2"
            + (transaction is null ? "" : " FOR UPDATE"), connection, transaction);
        read.Parameters.AddWithValue(key);
        read.Parameters.AddWithValue(now);
        await using var reader = await read.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new Row(sessions.Unprotect(reader.GetValue(0)), sessions.Unprotect(reader.GetValue(1)),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    /// <summary>The refresh-token grant at the provider's token endpoint (OIDC only; a development token has none).</summary>
    private async Task<(string Access, string? Refresh)?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        if (!SignIn.UsesOidc(configuration))
        {
            return null;
        }
        var options = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(SignIn.Oidc);
        try
        {
            var oidc = await options.ConfigurationManager!.GetConfigurationAsync(ct);
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.ClientId!,
            };
            if (!string.IsNullOrEmpty(options.ClientSecret))
            {
                form["client_secret"] = options.ClientSecret;
            }
            using var response = await options.Backchannel.PostAsync(oidc.TokenEndpoint, new FormUrlEncodedContent(form), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                log.LogWarning("The provider refused to refresh the session's token: {Status} {Body}", (int)response.StatusCode, body);
                return null;
            }
            using var json = JsonDocument.Parse(body);
            var access = json.RootElement.GetProperty("access_token").GetString()!;
            var refresh = json.RootElement.TryGetProperty("refresh_token", out var r) ? r.GetString() : null;
            return (access, refresh);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or KeyNotFoundException or TaskCanceledException)
        {
            log.LogWarning(e, "The session's token could not be refreshed");
            return null;
        }
    }
}
