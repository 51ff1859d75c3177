using System.Net;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>A county department's officer reads, and only reads, the hazards routed to their department's units.</summary>
[Collection(SystemCollection.Name)]
public sealed class DepartmentOfficerHazardTests(CampusSafetySystem system)
{
    private const string Reports = "/api/campussafety/reports";

    private static object Report(Guid schoolId, string kind) =>
        new { schoolId, kind, description = "校门口早高峰车辆违停", location = "东门 / east gate" };

    private HttpClient OfficerOf(string region, Department department) =>
        system.Client(new TokenRequest(Role.DepartmentOfficer, region, Subject: $"dept-{Guid.NewGuid():N}", Department: department));

    [Fact]
    public async Task A_department_officer_sees_read_only_the_hazards_routed_to_their_departments_units_in_their_region()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var traffic = await (await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Traffic))).ReadJson();
        var food = await (await admin.Post(Reports, Report(world.SchoolId, HazardKinds.VendorsAndFood))).ReadJson();
        Assert.Equal("TrafficPolice", traffic.Str("unitKind"));
        Assert.Equal("MarketRegulator", food.Str("unitKind"));

        using var countyTraffic = OfficerOf(world.County, Platform.Identity.Department.TrafficPolice);
        using var cityTraffic = OfficerOf(world.County[..4], Platform.Identity.Department.TrafficPolice);
        using var countyMarket = OfficerOf(world.County, Platform.Identity.Department.MarketRegulation);
        using var countyPolice = OfficerOf(world.County, Platform.Identity.Department.PublicSecurity);
        using var elsewhereTraffic = OfficerOf(World.NewCounty(), Platform.Identity.Department.TrafficPolice);

        foreach (var officer in new[] { countyTraffic, cityTraffic })
        {
            var list = await (await officer.GetAsync($"{Reports}?schoolId={world.SchoolId}")).ReadJson();
            Assert.Equal([traffic.Id()], list.Items().Select(i => i.Id()));
            // Names beside the ids (README): the school's and the unit's, from the replica of Alliances' facts.
            Assert.Equal(("实验小学", "交警大队"), (list.Items()[0].Str("schoolName"), list.Items()[0].Str("unitName")));
            Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"{Reports}/{traffic.Id()}")).StatusCode);
            await (await officer.GetAsync($"{Reports}/{food.Id()}")).AssertProblem(HttpStatusCode.NotFound);
        }
        Assert.Equal([food.Id()], (await (await countyMarket.GetAsync($"{Reports}?schoolId={world.SchoolId}")).ReadJson()).Items().Select(i => i.Id()));
        Assert.Empty((await (await countyPolice.GetAsync($"{Reports}?schoolId={world.SchoolId}")).ReadJson()).Items());
        await (await countyPolice.GetAsync($"{Reports}/{traffic.Id()}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty((await (await elsewhereTraffic.GetAsync($"{Reports}?schoolId={world.SchoolId}")).ReadJson()).Items());
        await (await elsewhereTraffic.GetAsync($"{Reports}/{traffic.Id()}")).AssertProblem(HttpStatusCode.NotFound);

        // Read-only: what they may see they may not change (403), and nothing is appended.
        var path = $"{Reports}/{traffic.Id()}";
        var etag = await admin.ETagOf(path);
        foreach (var action in new[] { "acknowledge", "route", "close" })
        {
            await (await countyTraffic.Post($"{path}/{action}", etag, new { })).AssertProblem(HttpStatusCode.Forbidden);
        }
        await (await countyTraffic.Post($"{path}/resolve", etag, new { note = "已处理" })).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(etag, await admin.ETagOf(path));
        await (await countyTraffic.Post(Reports, Report(world.SchoolId, HazardKinds.Traffic))).AssertProblem(HttpStatusCode.Forbidden);
        await (await countyTraffic.GetAsync("/api/campussafety/escalations")).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_county_public_security_officer_sees_every_police_stations_hazards_in_the_county_and_nothing_outside_it()
    {
        // Two schools of one county, each served by its own police station; a third school in another county.
        var first = await system.SchoolWithAlliance();
        var second = await system.SchoolWithAlliance(first.County);
        var elsewhere = await system.SchoolWithAlliance();
        Assert.NotEqual(first.PoliceStation, second.PoliceStation);
        var ours = new List<Guid>();
        foreach (var world in new[] { first, second })
        {
            using var admin = system.SchoolAdmin(world);
            var security = await (await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Security))).ReadJson();
            Assert.Equal(world.PoliceStation, security.GetProperty("unitId").GetGuid());
            ours.Add(security.Id());
            await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Traffic)); // the traffic police's, not theirs
        }
        using var elsewhereAdmin = system.SchoolAdmin(elsewhere);
        var outside = await (await elsewhereAdmin.Post(Reports, Report(elsewhere.SchoolId, HazardKinds.Security))).ReadJson();

        using var countyPolice = OfficerOf(first.County, Platform.Identity.Department.PublicSecurity);
        var seen = await ReadAll(countyPolice, Reports);
        Assert.Equal(ours.Order(), seen.Select(i => i.Id()).Order());
        Assert.All(seen, i => Assert.Equal("PoliceStation", i.Str("unitKind")));
        foreach (var id in ours)
        {
            Assert.Equal(HttpStatusCode.OK, (await countyPolice.GetAsync($"{Reports}/{id}")).StatusCode);
        }
        await (await countyPolice.GetAsync($"{Reports}/{outside.Id()}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty((await (await countyPolice.GetAsync($"{Reports}?schoolId={elsewhere.SchoolId}")).ReadJson()).Items());

        // The other county's officer sees its own station's hazard and none of ours.
        using var otherPolice = OfficerOf(elsewhere.County, Platform.Identity.Department.PublicSecurity);
        Assert.Equal([outside.Id()], (await ReadAll(otherPolice, Reports)).Select(i => i.Id()));
    }

    /// <summary>Every page of a list.</summary>
    private static async Task<List<System.Text.Json.JsonElement>> ReadAll(HttpClient client, string path)
    {
        var all = new List<System.Text.Json.JsonElement>();
        for (var page = 1; ; page++)
        {
            var response = await client.GetAsync($"{path}?page={page}&pageSize=500");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var items = (await response.ReadJson()).Items();
            all.AddRange(items);
            if (items.Count < 500)
            {
                return all;
            }
        }
    }

    [Fact]
    public async Task A_department_officers_token_without_its_department_is_refused()
    {
        var world = await system.SchoolWithAlliance();
        using var noDepartment = system.Client(new TokenRequest(Role.DepartmentOfficer, world.County));
        // The token itself is malformed for its role (TokenClaims): refused as it is validated, like a bad signature.
        await (await noDepartment.GetAsync(Reports)).AssertProblem(HttpStatusCode.Unauthorized);
    }
}
