using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// 部门工作人员: a department's officer reads, and only reads, the responsibilities assigned to and the needs matched to
/// units of their department inside their region; a need's description stays withheld; nothing else is shown.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class DepartmentOfficerApiTests(AlliancesSystem system)
{
    private HttpClient OfficerOf(string region, Department department) =>
        system.Client(new TokenRequest(Role.DepartmentOfficer, region, Subject: $"dept-{Guid.NewGuid():N}", Department: department));

    private async Task<Guid> Assign(World w, Guid unit, string title) =>
        (await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = unit, title, dueOn = system.Today.AddDays(7).ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created)).Id();

    [Fact]
    public async Task A_county_public_security_officer_reads_the_duties_and_needs_of_every_police_station_of_the_county_and_nothing_else()
    {
        var w = await system.World();
        var secondPolice = await w.Admin.Unit(w.County, "PoliceStation");
        var hospital = await w.Admin.Unit(w.County, "Hospital");
        await w.Admin.Join(w.Alliance, secondPolice);
        await w.Admin.Join(w.Alliance, hospital);
        var elsewhere = await system.World();

        var policeDuties = new[] { await Assign(w, w.Police, "开学护学岗"), await Assign(w, secondPolice, "法治讲座") };
        var hospitalDuty = await Assign(w, hospital, "视力筛查");
        var otherCountyDuty = await Assign(elsewhere, elsewhere.Police, "护学岗");

        var need = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs",
            new { category = "Safety", description = "放学时段校门口交通拥堵，三年级学生王小明差点被撞" }).Ok(HttpStatusCode.Created);
        var needPath = $"/api/alliances/needs/{need.Id()}";
        await w.Admin.Do($"{needPath}/match", needPath, new { unitId = secondPolice });
        var unmatched = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs",
            new { category = "Safety", description = "尚未匹配" }).Ok(HttpStatusCode.Created);

        using var countyPolice = OfficerOf(w.County, Department.PublicSecurity);
        using var cityPolice = OfficerOf(w.County[..4], Department.PublicSecurity);
        foreach (var officer in new[] { countyPolice, cityPolice })
        {
            var duties = (await officer.GetAsync($"/api/alliances/responsibilities?county={w.County}").Ok()).Items();
            Assert.Equal(policeDuties.Order(), duties.Select(d => d.Id()).Order());
            Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/alliances/responsibilities/{policeDuties[1]}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/alliances/responsibilities/{hospitalDuty}")).StatusCode);

            var needs = (await officer.GetAsync($"/api/alliances/needs?county={w.County}").Ok()).Items();
            var seen = Assert.Single(needs);
            Assert.Equal(need.Id(), seen.Id());
            Assert.DoesNotContain("王小明", seen.Str("description"));
            var read = await officer.GetAsync(needPath).Ok();
            Assert.DoesNotContain("王小明", read.Str("description"));
            Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/alliances/needs/{unmatched.Id()}")).StatusCode);
        }
        // Nothing outside the county, and nothing of another department.
        Assert.Equal(HttpStatusCode.NotFound, (await countyPolice.GetAsync($"/api/alliances/responsibilities/{otherCountyDuty}")).StatusCode);
        Assert.DoesNotContain((await countyPolice.GetAsync("/api/alliances/responsibilities").Ok()).Items(), d => d.Id() == otherCountyDuty);
        using var countyHealth = OfficerOf(w.County, Department.Health);
        Assert.Equal([hospitalDuty], (await countyHealth.GetAsync("/api/alliances/responsibilities").Ok()).Items().Select(d => d.Id()));
        Assert.Empty((await countyHealth.GetAsync("/api/alliances/needs").Ok()).Items());

        // Read-only: 403 on what they may see (nothing appended), 404 on what they may not.
        var dutyPath = $"/api/alliances/responsibilities/{policeDuties[0]}";
        var etag = await w.Admin.Etag(dutyPath);
        Assert.Equal(HttpStatusCode.Forbidden, (await countyPolice.Post($"{dutyPath}/start", null, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await countyPolice.Post($"{dutyPath}/done", new { note = "x" }, etag)).StatusCode);
        Assert.Equal(etag, await w.Admin.Etag(dutyPath));
        Assert.Equal(HttpStatusCode.NotFound,
            (await countyPolice.Post($"/api/alliances/responsibilities/{hospitalDuty}/start", null, await w.Admin.Etag($"/api/alliances/responsibilities/{hospitalDuty}"))).StatusCode);
        var needEtag = await w.Admin.Etag(needPath);
        Assert.Equal(HttpStatusCode.Forbidden, (await countyPolice.Post($"{needPath}/accept", null, needEtag)).StatusCode);
        Assert.Equal(needEtag, await w.Admin.Etag(needPath));
        Assert.Equal(HttpStatusCode.NotFound,
            (await countyPolice.Post($"/api/alliances/needs/{unmatched.Id()}/accept", null, await w.Admin.Etag($"/api/alliances/needs/{unmatched.Id()}"))).StatusCode);
    }
}
