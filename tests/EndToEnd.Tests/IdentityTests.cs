using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>Tokens are checked at the gateway and again in every service; the development issuer exists only in Development.</summary>
[Collection(SystemCollection.Name)]
public sealed class IdentityTests(EndToEndSystem system)
{
    [Fact]
    public async Task Every_service_itself_refuses_a_call_without_a_token()
    {
        foreach (var service in system.Running)
        {
            using var direct = new HttpClient { BaseAddress = system.Address(service) };
            var response = await direct.GetAsync($"/api/{service}/");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_service_accepts_a_valid_token_sent_to_it_directly()
    {
        using var direct = new HttpClient { BaseAddress = system.Address("activities") };
        direct.DefaultRequestHeaders.Authorization = new("Bearer", TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104")));

        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/api/activities/alliances")).StatusCode);
    }

    [Fact]
    public async Task The_development_token_issuer_mints_a_token_the_services_accept()
    {
        using var anonymous = system.Anonymous();
        var minted = await anonymous.Post("/dev/token", new { role = "CountyAdmin", region = "510104" });
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        var token = (await minted.ReadJson()).GetProperty("accessToken").GetString();

        using var client = system.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/activities/alliances")).StatusCode);

        var refused = await anonymous.Post("/dev/token", new { role = "Mayor", region = "51" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.ReadJson()).GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Outside_development_there_is_no_token_issuer()
    {
        await using var gateway = TestSystem.StandaloneGateway(new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Auth:Authority"] = "http://127.0.0.1:9/realms/jiaolianti",
        });
        using var client = new HttpClient { BaseAddress = gateway.Address };

        var response = await client.PostAsync("/dev/token",
            new StringContent("{\"role\":\"ProvinceAdmin\",\"region\":\"51\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.False(response.IsSuccessStatusCode, $"/dev/token answered {response.StatusCode} in Production");
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync());
    }
}
