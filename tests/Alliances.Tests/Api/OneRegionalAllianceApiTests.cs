using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>一县一个区域教联体, through the gateway: a second one is a 409 with a code, and nothing is appended.</summary>
[Collection(AlliancesCollection.Name)]
public sealed class OneRegionalAllianceApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task A_second_regional_alliance_is_a_409_while_the_first_lives_and_coverage_counts_the_county_once()
    {
        var county = AlliancesSystem.NextCounty();
        var admin = system.County(county);
        var first = await admin.Regional(county, status: "Proposed");

        foreach (var status in new[] { "Proposed", "Established" })
        {
            var second = await admin.Post("/api/alliances", new
            {
                name = "又一个区域教联体", kind = "Regional", countyCode = county, leadUnit = "教育局", status,
            });
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            var problem = await second.ReadJson();
            Assert.Equal("regional-alliance-exists", problem.Str("code"));
            Assert.Contains(first.ToString(), problem.Str("detail"));
        }
        var path = $"/api/alliances/{first}";
        await admin.Do($"{path}/establish", path);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post("/api/alliances", new
        {
            name = "又一个", kind = "Regional", countyCode = county, leadUnit = "教育局",
        })).StatusCode);
        Assert.Equal(first, Assert.Single((await admin.GetAsync($"/api/alliances?county={county}&kind=Regional").Ok()).Items()).Id());

        var coverage = await system.Client(Role.CountyAdmin, county).GetAsync($"/api/alliances/coverage?region={county}").Ok();
        Assert.Equal(1, coverage.GetProperty("counties").GetInt32());
        Assert.Equal(1, coverage.GetProperty("establishedCounties").GetInt32());
        Assert.Equal(1.0, coverage.GetProperty("coverage").GetDouble());

        // Dissolved, the county may establish its regional alliance again.
        await admin.Do($"{path}/dissolve", path, new { reason = "重组" });
        var again = await admin.Regional(county);
        Assert.NotEqual(first, again);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post("/api/alliances", new
        {
            name = "第三个", kind = "Regional", countyCode = county, leadUnit = "教育局",
        })).StatusCode);
    }

    [Fact]
    public async Task Two_bureaus_establishing_at_once_give_one_alliance()
    {
        var county = AlliancesSystem.NextCounty();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => system.County(county).Post("/api/alliances", new
        {
            name = $"区域教联体 {i}", kind = "Regional", countyCode = county, leadUnit = "教育局",
        })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("regional-alliance-exists", (await refused.ReadJson()).Str("code"));
        }
        Assert.Single((await system.County(county).GetAsync($"/api/alliances?county={county}").Ok()).Items());
    }

    [Fact]
    public async Task The_history_says_who_changed_the_status()
    {
        var county = AlliancesSystem.NextCounty();
        var founder = system.Client(new TokenRequest(Role.CountyAdmin, county, Subject: "officer-li"));
        var inspector = system.Client(new TokenRequest(Role.CountyAdmin, county, Subject: "officer-wang"));
        var id = await founder.Regional(county);
        var path = $"/api/alliances/{id}";
        await inspector.Do($"{path}/suspend", path, new { reason = "整改" });
        var history = (await founder.GetAsync(path).Ok()).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([("Established", "officer-li"), ("Suspended", "officer-wang")], history.Select(h => (h.Str("status"), h.Str("by"))));
        Assert.Equal("整改", history[1].Str("reason"));
    }
}
