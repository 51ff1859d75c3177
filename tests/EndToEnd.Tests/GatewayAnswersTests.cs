using System.Net;
using System.Text;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// Whatever answers (the gateway itself, a service behind it, the framework before any handler), a client gets a
/// ProblemDetails with a Chinese and an English title, and every answer carries the security headers.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayAnswersTests(EndToEndSystem system)
{
    [Fact]
    public async Task The_gateways_own_and_the_frameworks_refusals_are_bilingual_ProblemDetails()
    {
        using var anonymous = system.Anonymous();
        using var admin = system.Client(Role.CountyAdmin, "510104");

        await Expect(await anonymous.GetAsync("/api/alliances?county=510104"), HttpStatusCode.Unauthorized, "未登录");
        await Expect(await admin.GetAsync("/api/no-such-service/x"), HttpStatusCode.NotFound, "未找到");
        await Expect(await admin.DeleteAsync("/api/alliances"), HttpStatusCode.MethodNotAllowed, "不支持此方法");
        // A JSON body over a service's limit (256 KB), and any body over the gateway's (8 MB). The client asks to
        // continue first, as curl does for large bodies, so that it reads the refusal instead of a closed connection.
        await Expect(await Large(admin, 300 * 1024), HttpStatusCode.RequestEntityTooLarge, "过大");
        await Expect(await Large(admin, 9 * 1024 * 1024), HttpStatusCode.RequestEntityTooLarge, "过大");
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_a_bilingual_502_from_the_gateway()
    {
        await using var gateway = TestSystem.StandaloneGateway(new Dictionary<string, string>
        {
            ["services:alliances:http:0"] = "http://127.0.0.1:9",
        });
        using var client = new HttpClient { BaseAddress = gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104")));

        var response = await client.GetAsync("/api/alliances?county=510104");

        Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, response.StatusCode.ToString());
        await Expect(response, response.StatusCode, "/");
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_API_answers_are_not_stored()
    {
        using var admin = system.Client(Role.CountyAdmin, "510104");
        using var direct = new HttpClient { BaseAddress = system.Address("wellbeing") };
        direct.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;

        foreach (var response in new[]
        {
            await admin.GetAsync("/api/alliances?county=510104"), await admin.GetAsync("/api/no-such-service/x"),
            await system.Anonymous().GetAsync("/api/activities/alliances"), await direct.GetAsync("/api/wellbeing/children?schoolId=" + Guid.NewGuid()),
        })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task The_gateway_serves_the_whole_API_in_one_document_and_its_reference_with_nothing_from_elsewhere()
    {
        using var anonymous = system.Anonymous();
        var combined = await (await anonymous.GetAsync("/api/openapi.json")).ReadJson();
        var paths = combined.GetProperty("paths");
        foreach (var service in system.Running)
        {
            Assert.Contains(paths.EnumerateObject(), p => p.Name.StartsWith($"/api/{service}/", StringComparison.Ordinal));
        }
        Assert.True(combined.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.GetAsync("/favicon.ico")).StatusCode);
        var page = await anonymous.GetAsync("/api/reference");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            Assert.False(src.StartsWith("http", StringComparison.Ordinal), $"{src} comes from elsewhere");
            var script = await anonymous.GetAsync(new Uri(new Uri(anonymous.BaseAddress!, "/api/reference/"), src));
            Assert.True(script.IsSuccessStatusCode, $"{src}: {script.StatusCode}");
        }
    }

    private static Task<HttpResponseMessage> Large(HttpClient client, int bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/alliances") { Content = Json(bytes) };
        request.Headers.ExpectContinue = true;
        return client.SendAsync(request);
    }

    private static StringContent Json(int bytes) =>
        new("{\"name\":\"" + new string('a', bytes) + "\"}", Encoding.UTF8, "application/json");

    private static async Task Expect(HttpResponseMessage response, HttpStatusCode status, string chinese)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var title = (await response.ReadJson()).GetProperty("title").GetString()!;
        Assert.Contains(chinese, title);
        Assert.Contains(" / ", title);
    }
}
