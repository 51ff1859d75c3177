using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// Keeps each session (claims and the access token) on the server; the browser's cookie carries only the session's
/// key. A restart of the console signs everyone out (with several replicas, replace this by a distributed store).
/// </summary>
public sealed class SessionStore(IMemoryCache cache) : ITicketStore
{
    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Put(key, ticket);
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        Put(key, ticket);
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        Task.FromResult(cache.TryGetValue<AuthenticationTicket>(Key(key), out var ticket) ? ticket : null);

    public Task RemoveAsync(string key)
    {
        cache.Remove(Key(key));
        return Task.CompletedTask;
    }

    private void Put(string key, AuthenticationTicket ticket) =>
        cache.Set(Key(key), ticket, ticket.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow.AddHours(8));

    private static string Key(string key) => "session:" + key;
}

public sealed class SessionStoreSetup(SessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}
