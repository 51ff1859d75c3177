using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>The gateway limits each client (token subject) on its own: one client's burst does not starve another.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_client_over_its_limit_gets_429_problem_details_while_another_client_is_served()
    {
        await using var gateway = TestSystem.StandaloneGateway(new Dictionary<string, string>
        {
            ["RateLimit:TokensPerClient"] = "2",
            ["RateLimit:ReplenishPerSecond"] = "1",
        });
        using var greedy = Client(gateway, "greedy-client");
        using var other = Client(gateway, "other-client");

        var burst = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => greedy.GetAsync("/api/alliances/")));
        var limited = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();

        Assert.NotEmpty(limited);
        Assert.Equal("application/problem+json", limited[0].Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await limited[0].ReadJson()).GetProperty("status").GetInt32());
        Assert.True(limited[0].Headers.Contains("Retry-After"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.GetAsync("/api/alliances/")).StatusCode);
    }

    private static HttpClient Client(IServiceHost gateway, string subject)
    {
        var client = new HttpClient { BaseAddress = gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            TestSystem.Token(new TokenRequest(Role.ProvinceAdmin, "51", Subject: subject)));
        return client;
    }
}
