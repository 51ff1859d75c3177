using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>事件目录: a department's officer opens the catalogue page and finds every event, in Chinese and English.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EventCatalogueTests(ConsoleSystem console)
{
    [Fact]
    public async Task A_department_officer_reads_every_event_of_the_catalogue_with_both_descriptions_and_its_fields()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root!.FullName, "JiaoLianTi.sln"))) root = root.Parent;
        var messages = JsonDocument.Parse(File.ReadAllText(Path.Combine(root.FullName, "docs", "events", "asyncapi.json")))
            .RootElement.GetProperty("components").GetProperty("messages");

        var page = await console.SignInWithFormAsync("DepartmentOfficer", ConsoleSystem.Jinjiang, department: "PublicSecurity");
        await page.GotoAsync("/console/events");
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1").First).ToContainTextAsync("事件目录");
        var rows = page.Locator("[data-test=events] > tbody > tr");
        await Assertions.Expect(rows).ToHaveCountAsync(messages.EnumerateObject().Count());
        var assigned = page.Locator("[data-test=event-HazardAssigned]");
        await Assertions.Expect(assigned).ToContainTextAsync("隐患分派");
        await Assertions.Expect(assigned).ToContainTextAsync("routed to the responsible member unit");
        await Assertions.Expect(assigned).ToContainTextAsync("HazardAssigned.{province}.{city}.{county}");
        await assigned.Locator("summary").ClickAsync();
        await Assertions.Expect(assigned.Locator("code", new() { HasText = "unitId" })).ToBeVisibleAsync();

        await page.SelectOptionAsync("[data-test=events-service]", "Wellbeing");
        await Assertions.Expect(rows).ToHaveCountAsync(messages.EnumerateObject().Count(m => m.Value.GetProperty("x-jlt").GetProperty("service").GetString() == "Wellbeing"));
        await console.ShotAsync(page, "events-catalogue");
    }
}
