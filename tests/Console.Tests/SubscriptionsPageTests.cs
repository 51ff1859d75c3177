using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Playwright;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 数据订阅 (issue 13) in a real chromium through the gateway: a county public-security officer requests a
/// subscription with the form (an empty one first: the API names the fields), the county bureau approves it with its
/// legal basis on the board, the API has it active with that basis, and the officer takes the queue's credentials once
/// the page shows the queue made (队列准备中 until then, and the page reads again by itself).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SubscriptionsPageTests(ConsoleSystem console)
{
    [Fact]
    public async Task A_department_requests_a_subscription_the_bureau_approves_it_and_the_department_takes_its_credentials()
    {
        var county = ConsoleSystem.Jinjiang;
        var officer = await console.SignInWithFormAsync("DepartmentOfficer", county, department: "PublicSecurity", path: "/console/subscriptions");
        await ConsoleSystem.InteractiveAsync(officer);
        await Assertions.Expect(officer.Locator("[data-test=subscription-types] option[value=HazardAssigned]")).ToHaveCountAsync(1);
        await officer.ClickAsync("[data-test=request-subscription-submit]");
        await Assertions.Expect(officer.Locator("[data-test=field-error][data-field=eventTypes]")).ToBeVisibleAsync();

        var name = $"锦江区公安分局警情系统 {Guid.NewGuid().ToString()[..6]}";
        await officer.FillAsync("[data-test=subscription-name]", name);
        await officer.SelectOptionAsync("[data-test=subscription-types]", new[] { "HazardAssigned", "HazardOverdue" });
        await officer.SelectOptionAsync("[data-test=subscription-delivery]", "Amqp");
        await officer.ClickAsync("[data-test=request-subscription-submit]");
        await Assertions.Expect(officer.Locator("[data-status=Requested]")).ToContainTextAsync(name);
        await console.ShotAsync(officer, "30-subscription-requested");

        var bureau = await console.SignInAsync("CountyAdmin", county, "/console/subscriptions");
        await ConsoleSystem.InteractiveAsync(bureau);
        await bureau.FillAsync("[data-test=subscription-text]", "《未成年人保护法》第三十五条");
        await bureau.Locator(".jlt-ticket", new() { HasText = name }).Locator("[data-test=approve]").ClickAsync();
        await Assertions.Expect(bureau.Locator("[data-status=Active]")).ToContainTextAsync(name);
        await Assertions.Expect(bureau.Locator("[data-status=Active] .jlt-ticket", new() { HasText = name })).ToContainTextAsync("第三十五条");
        await console.ShotAsync(bureau, "31-subscription-approved");

        using var api = console.Api(new TokenRequest(Role.DepartmentOfficer, county, Department: Department.PublicSecurity));
        var list = await (await api.GetAsync("/api/subscriptions?status=Active")).ReadJson();
        var approved = Assert.Single(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == name);
        Assert.Equal("《未成年人保护法》第三十五条", approved.GetProperty("legalBasis").GetString());
        Assert.Equal(["HazardAssigned", "HazardOverdue"], approved.GetProperty("scope").GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(county, approved.GetProperty("scope").GetProperty("region").GetString());

        await officer.ReloadAsync();
        await ConsoleSystem.InteractiveAsync(officer);
        // Until the broker holds its queue and user (made just after approval), the ticket says so instead of offering
        // 接入 Connect, and the page reads again by itself: no reload needed for the button to come.
        var ticket = officer.Locator("[data-status=Active] .jlt-ticket", new() { HasText = name });
        await Assertions.Expect(ticket.Locator("[data-test=credentials], [data-test=setting-up]")).ToHaveCountAsync(1);
        await Assertions.Expect(ticket.Locator("[data-test=credentials]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(ticket.Locator("[data-test=setting-up]")).ToHaveCountAsync(0);
        await ticket.Locator("[data-test=credentials]").ClickAsync();
        var id = approved.GetProperty("id").GetGuid().ToString("N");
        await Assertions.Expect(officer.Locator("[data-test=subscription-secret]")).ToContainTextAsync($"jlt-sub-{id}");
        await Assertions.Expect(officer.Locator("[data-test=subscription-secret]")).ToContainTextAsync($"jlt.sub.{id}");
        await console.ShotAsync(officer, "32-subscription-credentials");
    }
}
