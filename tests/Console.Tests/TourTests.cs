using JiaoLianTi.Console.Components;
using JiaoLianTi.Console.Auth;
using Microsoft.Playwright;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>Every page a role has, opened in the browser: it renders, and the API answers it without a refusal.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TourTests(ConsoleSystem console)
{
    [Theory]
    [InlineData("CountyAdmin")]
    [InlineData("SchoolAdmin")]
    [InlineData("MemberOfficer")]
    [InlineData("Counsellor")]
    public async Task Every_page_of_a_role_renders_with_what_the_API_gives_it(string role)
    {
        var person = Enum.Parse<Role>(role);
        var page = role == "CountyAdmin"
            ? await console.SignInAsync(role, ConsoleSystem.Jinjiang)
            : await console.SignInWithFormAsync(role, ConsoleSystem.Jinjiang, schoolId: role is "SchoolAdmin" or "Counsellor" ? Guid.NewGuid() : null,
                unitId: role == "MemberOfficer" ? Guid.NewGuid() : null);
        await ConsoleSystem.InteractiveAsync(page);
        foreach (var item in Navigation.For(person))
        {
            await page.GotoAsync("/console/" + item.Path);
            await ConsoleSystem.InteractiveAsync(page);
            await Assertions.Expect(page.Locator("h1").First).ToContainTextAsync(item.Title);
            // Lists settle into a table, an empty state or a problem; wait until no spinner is left.
            await Assertions.Expect(page.Locator(".ant-spin-spinning")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
            var problems = await page.Locator("[data-test=problem]").AllInnerTextsAsync();
            Assert.True(problems.Count == 0, $"{role} on /{item.Path}: {string.Join(" | ", problems)}");
            await console.ShotAsync(page, $"tour-{role}-{(item.Path == "" ? "workbench" : item.Path)}");
        }
    }
}
