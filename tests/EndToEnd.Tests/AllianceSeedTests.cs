using System.Diagnostics;
using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// The demo seed of Alliances (scripts/seed/10-alliances.sh, run by ./run.sh) against the gateway, for the counties of
/// four counties of 凉山州 (5134) only: it leaves late responsibilities, imported with their real dates, already overdue and escalated
/// in several counties, and the operators' status shows the check that did it (issue 12).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AllianceSeedTests(EndToEndSystem system)
{
    [Fact]
    public async Task The_seed_leaves_escalated_responsibilities_in_several_counties()
    {
        var (exitCode, output) = await Seed();
        Assert.True(exitCode == 0, output);
        Assert.Contains("逾期督办 / overdue check", output);

        using var city = system.Client(Role.CityAdmin, "5134");
        var escalated = await city.GetAsync("/api/alliances/responsibilities?county=5134&escalated=true&pageSize=500");
        Assert.Equal(HttpStatusCode.OK, escalated.StatusCode);
        var items = (await escalated.ReadJson()).Items();
        var counties = items.Select(r => r.Str("countyCode")).Distinct().ToList();
        Assert.True(counties.Count >= 3, $"escalated in {counties.Count} counties: {string.Join(',', counties)}");
        Assert.All(items, r =>
        {
            Assert.Equal("Overdue", r.Str("status"));
            Assert.True(r.GetProperty("assignedAt").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddDays(-30));
            Assert.False(string.IsNullOrEmpty(r.Str("importRef")));
        });
        var done = await (await city.GetAsync("/api/alliances/responsibilities?county=5134&status=Done&pageSize=500")).ReadJson();
        Assert.Contains(done.Items(), r => r.GetProperty("doneAt").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddDays(-60));

        using var ops = system.Client(Role.Operator, "51");
        var status = await (await ops.GetAsync("/api/alliances/operations/checks")).ReadJson();
        var check = status.GetProperty("checks").EnumerateArray().Single(c => c.Str("name") == "OverdueCheck");
        // The seed asks for a run (trigger Operator); the scheduled run of the minute may come first and escalate some
        // of them, so the runs together acted on every county's, the seed's among them.
        var recent = check.GetProperty("recent").EnumerateArray().ToList();
        Assert.Contains(recent, r => r.Str("trigger") == "Operator");
        Assert.True(recent.Sum(r => r.GetProperty("acted").GetInt32()) >= counties.Count, check.ToString());

        // Twice is harmless: the counties are there, nothing is imported again.
        var (again, secondOutput) = await Seed();
        Assert.True(again == 0, secondOutput);
        var after = (await (await city.GetAsync("/api/alliances/responsibilities?county=5134&escalated=true&pageSize=500")).ReadJson()).Items();
        Assert.Equal(items.Count, after.Count);
    }

    private async Task<(int ExitCode, string Output)> Seed()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "scripts", "seed", "10-alliances.sh")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("scripts/seed not found above the tests");
        }
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "seed", "10-alliances.sh"));
        start.ArgumentList.Add(system.GatewayAddress.ToString().TrimEnd('/'));
        start.Environment["JLT_SEED_REGION"] = "5134";
        // Four of its seventeen counties, each seeded as in the whole city's run: the four whose history the province
        // imports (every third county from the second, 会理 first; 普格's alliance is suspended, so it has none).
        start.Environment["JLT_SEED_COUNTIES"] = "513402 513424 513431 513434";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(300)).Token);
        return (process.ExitCode, await output + await error);
    }
}
