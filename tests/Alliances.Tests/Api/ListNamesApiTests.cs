using System.Net;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// Lists carry the names a person needs beside the ids (README): a need's alliance, school and matched unit; a
/// responsibility's and a resource's alliance and unit; a member's unit; the inbox's needs and duties.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class ListNamesApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task Needs_responsibilities_resources_members_and_the_inbox_name_their_alliance_school_and_unit()
    {
        var w = await system.World();
        var allianceName = (await w.Admin.GetAsync($"/api/alliances/{w.Alliance}").Ok()).Str("name");
        var schoolName = (await w.Admin.GetAsync($"/api/alliances/units/{w.School}").Ok()).Str("name");
        var policeName = (await w.Admin.GetAsync($"/api/alliances/units/{w.Police}").Ok()).Str("name");

        var need = (await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", new { category = "Safety", description = "校门口拥堵" })
            .Ok(HttpStatusCode.Created)).Id();
        var path = $"/api/alliances/needs/{need}";
        await w.Admin.Do($"{path}/match", path, new { unitId = w.Police });
        await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "护学岗", dueOn = system.Today.AddDays(7).ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created);
        await w.Officer.Post($"/api/alliances/{w.Alliance}/resources", new
        {
            unitId = w.Police, kind = "Expert", title = "法治讲座", topics = new[] { Pairings.PoliceSchool }, capacity = 100,
        }).Ok(HttpStatusCode.Created);

        var listed = Assert.Single((await w.Admin.GetAsync($"/api/alliances/needs?county={w.County}").Ok()).Items());
        Assert.Equal((allianceName, schoolName, policeName), (listed.Str("allianceName"), listed.Str("schoolName"), listed.Str("matchedUnitName")));
        AssertNamed(Assert.Single((await w.Admin.GetAsync($"/api/alliances/responsibilities?county={w.County}").Ok()).Items()), allianceName, policeName);
        AssertNamed(Assert.Single((await w.Admin.GetAsync($"/api/alliances/resources?county={w.County}").Ok()).Items()), allianceName, policeName);
        var members = (await w.Admin.GetAsync($"/api/alliances/{w.Alliance}/members").Ok()).Items();
        Assert.Equal([policeName, schoolName], members.Select(m => m.Str("unitName")).Order());

        var inbox = await w.Officer.GetAsync("/api/alliances/inbox").Ok();
        Assert.Equal(schoolName, Assert.Single(inbox.GetProperty("needs").Items()).Str("schoolName"));
        Assert.Equal(policeName, Assert.Single(inbox.GetProperty("responsibilities").Items()).Str("unitName"));
    }

    private static void AssertNamed(JsonElement item, string alliance, string unit) =>
        Assert.Equal((alliance, unit), (item.Str("allianceName"), item.Str("unitName")));
}
