using System.Net;
using JiaoLianTi.Platform.Identity;
using Microsoft.Playwright;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>按名称选择 in the browser: the alliance picker past its first page, a unit found by name in the directory.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PickerTests(ConsoleSystem console)
{
    private const string County = "510113";

    [Fact]
    public async Task The_alliance_picker_pages_past_the_first_hundred_and_a_unit_joins_found_by_name()
    {
        using var api = console.Api(Role.CountyAdmin, County);
        // School alliances (a county has one regional alliance): 100 come first (the list is ordered by county, then
        // name), the one wanted 101st.
        var lead = (await (await api.Post("/api/alliances/units", new
        {
            kind = "School", name = "成都市青白江区实验小学", countyCode = County, contactOfficer = "钱老师", contactPhone = "028-33333333",
        })).ReadJson()).GetProperty("id").GetGuid();
        object Alliance(string name) => new { name, kind = "School", countyCode = County, leadUnit = "成都市青白江区实验小学", leadUnitId = lead };
        var fillers = Enumerable.Range(0, 100).Select(i => $"0-{i:000} 青白江区填充教联体").ToList();
        foreach (var batch in fillers.Chunk(10))
        {
            var created = await Task.WhenAll(batch.Select(name => api.Post("/api/alliances", Alliance(name))));
            Assert.All(created, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        }
        var suffix = Guid.NewGuid().ToString()[..6];
        var wanted = await api.Post("/api/alliances", Alliance($"Z 青白江区目标教联体 {suffix}"));
        var alliance = (await wanted.ReadJson()).GetProperty("id").GetGuid();
        var library = await api.Post("/api/alliances/units", new
        {
            kind = "Library", name = $"青白江区图书馆 {suffix}", countyCode = County, contactOfficer = "赵馆长", contactPhone = "028-22222222",
        });
        var unit = (await library.ReadJson()).GetProperty("id").GetGuid();

        var page = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/responsibilities");
        await ConsoleSystem.InteractiveAsync(page);
        var search = page.Locator("[data-test=resp-alliance-search]");
        await search.ClickAsync();
        await search.FillAsync("目标教联体");
        var list = page.Locator("[data-test=resp-alliance-list]");
        // Not among the first hundred: nothing matches yet, and the picker offers the next page.
        await Assertions.Expect(list.Locator("[data-test=no-option]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=resp-alliance-more]")).ToContainTextAsync("100 / 101");
        await page.ClickAsync("[data-test=resp-alliance-more]");
        await list.Locator($"[data-test=option][data-value='{alliance}']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=resp-alliance]")).ToHaveAttributeAsync("data-value", alliance.ToString());
        // Its members are what the unit picker offers: its lead school only, so far.
        await page.ClickAsync("[data-test=resp-unit-search]");
        await Assertions.Expect(page.Locator("[data-test=resp-unit-list] [data-test=option]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-test=resp-unit-list] [data-test=option]")).ToContainTextAsync("成都市青白江区实验小学");
        await console.ShotAsync(page, "14-alliance-picker-second-page");

        // On the alliance's page, a unit joins found by its name in the directory (searched by the API).
        await page.GotoAsync($"/console/alliances/{alliance}");
        await ConsoleSystem.InteractiveAsync(page);
        await ConsoleSystem.PickAsync(page, "unit", $"图书馆 {suffix}", unit);
        await console.ShotAsync(page, "15-join-unit-by-name");
        await page.ClickAsync("[data-test=join]");
        await Assertions.Expect(page.Locator("[data-test=members]")).ToContainTextAsync($"青白江区图书馆 {suffix}");
        var members = await (await api.GetAsync($"/api/alliances/{alliance}")).ReadJson();
        Assert.Contains(members.GetProperty("members").EnumerateArray(), m => m.GetProperty("unitId").GetGuid() == unit);
    }
}
