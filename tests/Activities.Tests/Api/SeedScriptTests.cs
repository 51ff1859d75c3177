using System.Diagnostics;
using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>
/// The demo seed of after-school programmes and the five educations (scripts/seed/25-afterschool.sh, run by ./run.sh),
/// on Alliances' seed of two counties of 绵阳 (5107) only (the suite's time): programmes, enrolments, attendance and figures, and the
/// venue of the last one leaving its alliance, which flags its programmes.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SeedScriptTests(ActivitiesSystem system)
{
    private static readonly string[] Counties = ["510704", "510723"];

    [Fact]
    public async Task The_seed_shows_programmes_and_the_five_educations_in_several_counties()
    {
        // The alliances of the two counties only (each seeded as in the whole city's run), not the city's nine.
        var (alliances, output) = await Run("10-alliances.sh", ("JLT_SEED_REGION", "5107"), ("JLT_SEED_COUNTIES", string.Join(' ', Counties)));
        Assert.True(alliances == 0, $"exit {alliances}: {output}");
        var (exit, seeded) = await Run("25-afterschool.sh", ("JLT_SEED_AFTERSCHOOL", string.Join(' ', Counties)));
        Assert.True(exit == 0, $"exit {exit}: {seeded}");
        Assert.Contains($"in {Counties.Length} counties", seeded);

        using var city = system.Client(Role.CityAdmin, "5107");
        var term = system.Term();
        var figures = await (await city.GetAsync($"/api/activities/programmes/figures?term={term}")).ReadJson();
        var counties = figures.GetProperty("counties").EnumerateArray().Where(c => Counties.Contains(c.Str("countyCode"))).ToList();
        Assert.Equal(Counties.Length, counties.Count);
        Assert.All(counties, c =>
        {
            Assert.Equal(3, c.GetProperty("schoolsWithProgrammes").GetInt32());
            Assert.Equal(3, c.GetProperty("schoolsDeclared").GetInt32());
            Assert.True(c.GetProperty("share").GetDouble() > 0, c.ToString());
            Assert.True(c.GetProperty("providerHours").GetDecimal() > 0, c.ToString());
        });
        var hours = await (await city.GetAsync($"/api/activities/programmes/provider-hours?term={term}")).ReadJson();
        Assert.Contains(hours.GetProperty("providers").EnumerateArray(), p => p.Str("kind") == "MemberUnit");

        var dimensions = await (await city.GetAsync($"/api/activities/dimensions/figures?term={term}")).ReadJson();
        var ofCounties = dimensions.GetProperty("counties").EnumerateArray().Where(c => Counties.Contains(c.Str("countyCode"))).ToList();
        Assert.Equal(Counties.Length, ofCounties.Count);
        Assert.All(ofCounties, c => Assert.All(c.GetProperty("dimensions").EnumerateArray(),
            d => Assert.True(d.GetProperty("activities").GetInt32() + d.GetProperty("programmes").GetInt32() > 0, $"{c.Str("countyCode")}: {d}")));
        // Every county still has schools missing something (the three without programmes or activities at least).
        Assert.All(ofCounties, c => Assert.Contains(c.GetProperty("missing").EnumerateArray(), m => m.GetProperty("schools").GetInt32() > 0));

        using var leaving = system.Client(Role.CountyAdmin, Counties[^1]);
        var flagged = await Eventually.Until(
            async () => await (await leaving.GetAsync("/api/activities/programmes?flagged=true")).ReadJson(),
            page => page.GetProperty("total").GetInt32() >= 3);
        Assert.Equal(3, flagged.GetProperty("total").GetInt32());

        // Twice is harmless: nothing is seeded again.
        var (again, secondOutput) = await Run("25-afterschool.sh", ("JLT_SEED_AFTERSCHOOL", string.Join(' ', Counties)));
        Assert.True(again == 0, $"exit {again}: {secondOutput}");
        Assert.Contains("in 0 counties", secondOutput);
        var after = await (await city.GetAsync($"/api/activities/programmes/figures?term={term}")).ReadJson();
        Assert.Equal(Programmes(figures), Programmes(after));
    }

    private static int Programmes(JsonElement figures) => figures.GetProperty("schools").EnumerateArray().Sum(s => s.GetProperty("programmes").GetInt32());

    private async Task<(int ExitCode, string Output)> Run(string script, params (string Name, string Value)[] settings)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "scripts", "seed", script)))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("scripts/seed not found above the tests");
        }
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "seed", script));
        start.ArgumentList.Add(system.GatewayAddress.ToString().TrimEnd('/'));
        foreach (var (name, value) in settings) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(300)).Token);
        return (process.ExitCode, await output + await error);
    }
}
