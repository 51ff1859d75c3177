using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// Coverage targets judged at their dates: the 2025 target by the share at 2025-12-31, whatever happened since; a
/// target still ahead by the share now against the straight path to it. One county as the region, so that the figures
/// are this test's own.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class CoverageTargetsApiTests(AlliancesSystem system)
{
    private static readonly DateTimeOffset EndOf2025 = new(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

    private static JsonElement Target(JsonElement report, string by) =>
        report.GetProperty("targets").EnumerateArray().Single(t => t.Str("by") == by);

    [Fact]
    public async Task The_2025_target_is_judged_by_the_share_at_its_date_and_the_2027_target_by_its_path()
    {
        // The controlled clock starts in March 2025 and other tests move it by days, not months.
        Assert.True(system.Now < EndOf2025.AddDays(-30), $"the clock is already at {system.Now}");
        var county = AlliancesSystem.NextCounty();
        var empty = AlliancesSystem.NextCounty();
        var admin = system.County(county);
        var id = await admin.Regional(county);
        using var bureau = system.Client(Role.ProvinceAdmin, "51");

        var before = await bureau.GetAsync($"/api/alliances/coverage?region={county}").Ok();
        var ahead = Target(before, "2025-12-31");
        Assert.False(ahead.GetProperty("due").GetBoolean());
        Assert.Equal(1.0, ahead.GetProperty("shareNow").GetDouble());
        Assert.True(ahead.GetProperty("onTrack").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ahead.GetProperty("shareAtDate").ValueKind);
        var path = Target(before, "2027-12-31");
        Assert.True(path.GetProperty("expectedNow").GetDouble() is > 0 and < 0.5, path.ToString());
        var nothing = Target(await bureau.GetAsync($"/api/alliances/coverage?region={empty}").Ok(), "2025-12-31");
        Assert.False(nothing.GetProperty("onTrack").GetBoolean());

        // Into 2026; then the county suspends its alliance.
        system.Clock.Advance(EndOf2025 - system.Now + TimeSpan.FromDays(3));
        var alliance = $"/api/alliances/{id}";
        await admin.Do($"{alliance}/suspend", alliance, new { reason = "整改" });

        var now = await bureau.GetAsync($"/api/alliances/coverage?region={county}").Ok();
        Assert.Equal(0.0, now.GetProperty("coverage").GetDouble());
        var judged = Target(now, "2025-12-31");
        Assert.True(judged.GetProperty("due").GetBoolean());
        Assert.Equal(1.0, judged.GetProperty("shareAtDate").GetDouble());
        Assert.True(judged.GetProperty("met").GetBoolean());
        Assert.Equal(0.0, judged.GetProperty("shareNow").GetDouble());
        var later = Target(now, "2027-12-31");
        Assert.False(later.GetProperty("due").GetBoolean());
        Assert.True(later.GetProperty("expectedNow").GetDouble() >= 0.5);
        Assert.False(later.GetProperty("onTrack").GetBoolean());
        Assert.False(later.GetProperty("met").GetBoolean());

        var missed = Target(await bureau.GetAsync($"/api/alliances/coverage?region={empty}").Ok(), "2025-12-31");
        Assert.True(missed.GetProperty("due").GetBoolean());
        Assert.Equal(0.0, missed.GetProperty("shareAtDate").GetDouble());
        Assert.False(missed.GetProperty("met").GetBoolean());

        // As of a date in 2025 the 2025 target was still ahead; as of a date after today, the answer is as of now.
        var asOf2025 = await bureau.GetAsync($"/api/alliances/coverage?region={county}&asOf=2025-12-30").Ok();
        Assert.False(Target(asOf2025, "2025-12-31").GetProperty("due").GetBoolean());
        Assert.Equal(1.0, asOf2025.GetProperty("coverage").GetDouble());
        var future = await bureau.GetAsync($"/api/alliances/coverage?region={county}&asOf=2030-01-01").Ok();
        Assert.Equal(system.Now, future.GetProperty("asOf").GetDateTimeOffset());
        Assert.False(Target(future, "2027-12-31").GetProperty("due").GetBoolean());
    }
}
