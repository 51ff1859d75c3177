using JiaoLianTi.TestKit;
using Microsoft.Playwright;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// Sessions that survive replicas: the session and the Data Protection keys are in the console's database, so a
/// second console instance (a replica, or the console after a restart) accepts the person signed in on the first.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SessionTests(ConsoleSystem console)
{
    [Fact]
    public async Task A_second_console_instance_accepts_the_session_signed_in_on_the_first_and_signing_out_ends_it_for_both()
    {
        var page = await console.SignInAsync("CountyAdmin", ConsoleSystem.Jinjiang);
        await ConsoleSystem.InteractiveAsync(page);
        var who = page.Locator("[data-test=who]");
        await Assertions.Expect(who).ToContainTextAsync("县级教育行政部门");

        var port = LoopbackPorts.Free();
        await using var second = ConsoleSystem.StartConsole(port, console.ConsoleSettings);
        // The same browser, its cookie (host 127.0.0.1, path /console), straight at the second instance.
        var other = $"http://127.0.0.1:{port}/console/alliances";
        await page.GotoAsync(other);
        await ConsoleSystem.InteractiveAsync(page);
        Assert.StartsWith(other, page.Url);
        await Assertions.Expect(who).ToContainTextAsync("县级教育行政部门");
        await Assertions.Expect(who).ToContainTextAsync(ConsoleSystem.Jinjiang);
        // ... and it calls the API with the session's token, read from the shared store.
        await Assertions.Expect(page.Locator("[data-test=alliances], [data-test=empty]").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-test=problem]").CountAsync());
        await console.ShotAsync(page, "16-session-on-a-second-instance");

        // Signing out on the second removes the session from the store: the first no longer accepts it.
        await page.ClickAsync("[data-test=signout]");
        await page.WaitForURLAsync(url => url.Contains("/signin"));
        await page.GotoAsync("/console/alliances");
        await page.WaitForURLAsync(url => url.Contains("/console/signin"));
    }
}
