using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.AppHost.Tests;

/// <summary>
/// The AppHost as a user runs it (Aspire.Hosting.Testing), wired to the test servers as connection strings, the way
/// run.sh wires it to local servers: every resource must become healthy, and the flow must work through the gateway.
/// </summary>
public sealed class AppHostTests
{
    private static readonly string[] Projects = ["alliances", "activities", "parentschool", "campussafety", "wellbeing", "gateway", "console"];
    private static readonly string[] Databases = ["alliancesdb", "activitiesdb", "parentschooldb", "campussafetydb", "wellbeingdb", "consoledb"];

    [Fact]
    public async Task The_whole_system_starts_with_every_resource_healthy_and_serves_the_flow()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var servers = await TestServers.GetAsync();
        var id = "jltapp" + Guid.NewGuid().ToString("N")[..8];
        var args = new List<string> { $"--ConnectionStrings:rabbitmq={await servers.CreateVirtualHostAsync(id)}" };
        foreach (var database in Databases)
        {
            args.Add($"--ConnectionStrings:{database}={await servers.CreateDatabaseAsync($"{id}_{database}")}");
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<global::Projects.AppHost>(
            [.. args], timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        foreach (var resource in Databases.Append("rabbitmq").Concat(Projects))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        using var gateway = app.CreateHttpClient("gateway", "http");
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health", timeout.Token)).StatusCode);
        // The 工作台 console answers through the gateway: a browser that is not signed in is sent to sign in.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.BaseAddress };
        var console = await browser.GetAsync("/console/", timeout.Token);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Contains("/console/signin", console.Headers.Location!.ToString());

        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104")));
        var created = await gateway.PostAsJsonAsync("/api/alliances",
            new { name = "锦江区教联体", kind = "Regional", countyCode = "510104", leadUnit = "成都市锦江区教育局" }, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var known = await Eventually.Until(
            async () => await gateway.GetStringAsync("/api/activities/alliances", timeout.Token),
            text => JsonDocument.Parse(text).RootElement.GetProperty("total").GetInt64() == 1,
            TimeSpan.FromSeconds(60));
        Assert.Equal(1, JsonDocument.Parse(known).RootElement.GetProperty("total").GetInt64());
    }
}
