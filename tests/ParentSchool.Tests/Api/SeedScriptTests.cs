using System.Diagnostics;
using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>The demo seed (scripts/seed/30-parentschool.sh) runs against the gateway, as run.sh would, and twice is harmless.</summary>
[Collection(SystemCollection.Name)]
public sealed class SeedScriptTests(ParentSchoolSystem system)
{
    [Fact]
    public async Task The_seed_script_fills_the_catalogue_once_through_the_public_api()
    {
        var first = await Seed();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("seeded the parent school", first.Output);

        using var parent = system.Client(new TokenRequest(Role.Parent, "510104", Subject: "demo-parent-1"));
        var catalogue = await parent.GetAsync("/api/parentschool/courses?pageSize=500").Expect(HttpStatusCode.OK);
        Assert.Equal(7, catalogue.GetProperty("total").GetInt32());
        var mine = Assert.Single((await parent.GetAsync("/api/parentschool/my/courses").Expect(HttpStatusCode.OK)).Items());
        Assert.Equal(1, mine.GetProperty("lessonsCompleted").GetInt32());
        Assert.Equal(3, (await parent.GetAsync("/api/parentschool/library").Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());

        var second = await Seed();
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("already present", second.Output);
        Assert.Equal(7, (await parent.GetAsync("/api/parentschool/courses").Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
    }

    private async Task<(int ExitCode, string Output)> Seed()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "scripts", "seed", "30-parentschool.sh")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("scripts/seed not found above the tests");
        }
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "seed", "30-parentschool.sh"));
        start.ArgumentList.Add(system.GatewayAddress.ToString().TrimEnd('/'));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
        return (process.ExitCode, await output + await error);
    }
}
