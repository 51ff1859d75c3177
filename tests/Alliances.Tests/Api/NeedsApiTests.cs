using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class NeedsApiTests(AlliancesSystem system)
{
    private static object Raise => new { category = "Safety", description = "放学时段校门口交通拥堵" };

    [Fact]
    public async Task A_need_is_raised_matched_accepted_resolved_and_closed()
    {
        var w = await system.World();
        var raised = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", Raise).Ok(HttpStatusCode.Created);
        Assert.Equal("Raised", raised.Str("status"));
        Assert.Equal(w.School, raised.GetProperty("schoolId").GetGuid());
        var path = $"/api/alliances/needs/{raised.Id()}";

        var matched = await w.Admin.Do($"{path}/match", path, new { unitId = w.Police });
        Assert.Equal("Matched", matched.Str("status"));
        Assert.Equal(w.Police, matched.GetProperty("matchedUnitId").GetGuid());
        Assert.Contains((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("needs").Items(), n => n.Id() == raised.Id());

        Assert.Equal("Accepted", (await w.Officer.Do($"{path}/accept", path)).Str("status"));
        Assert.Equal("Resolved", (await w.Officer.Do($"{path}/resolve", path, new { resolution = "设护学岗" })).Str("status"));
        var closed = await w.SchoolAdmin.Do($"{path}/close", path);
        Assert.Equal("Closed", closed.Str("status"));
        Assert.Equal("\"5\"", (await w.Admin.GetAsync(path)).ETag());
        Assert.Empty((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("needs").Items());
    }

    [Fact]
    public async Task A_need_matched_to_a_resource_goes_to_the_unit_that_offers_it_and_a_decline_reopens_it()
    {
        var w = await system.World();
        var resource = await w.Officer.Post($"/api/alliances/{w.Alliance}/resources", new
        {
            unitId = w.Police, kind = "Expert", title = "法治副校长讲座", topics = new[] { Pairings.PoliceSchool }, capacity = 200,
        }).Ok(HttpStatusCode.Created);
        var need = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", Raise).Ok(HttpStatusCode.Created);
        var path = $"/api/alliances/needs/{need.Id()}";

        var matched = await w.SchoolAdmin.Do($"{path}/match", path, new { resourceId = resource.Id() });
        Assert.Equal(w.Police, matched.GetProperty("matchedUnitId").GetGuid());
        Assert.Equal(resource.Id(), matched.GetProperty("resourceId").GetGuid());

        var declined = await w.Officer.Do($"{path}/decline", path, new { reason = "警力不足" });
        Assert.Equal("Raised", declined.Str("status"));
        Assert.Equal(w.Police, Assert.Single(declined.GetProperty("declinedBy").EnumerateArray()).GetGuid());
    }

    [Fact]
    public async Task Accepting_a_need_hidden_from_you_is_a_404_as_its_read_and_nothing_changes()
    {
        var w = await system.World();
        var need = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", Raise).Ok(HttpStatusCode.Created);
        var path = $"/api/alliances/needs/{need.Id()}";
        await w.Admin.Do($"{path}/match", path, new { unitId = w.Police });
        var hospital = await w.Admin.Unit(w.County, "Hospital");
        await w.Admin.Join(w.Alliance, hospital);
        using var doctor = system.Client(Role.MemberOfficer, w.County, memberUnitId: hospital);

        // The need is matched to the police, not to the doctor's unit: hidden from the doctor (404 on read), so the
        // change is 404 too, with the right If-Match as with a wrong one: never a 409 that tells it exists (README).
        var response = await doctor.Post($"{path}/accept", null, "\"2\"");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await doctor.Post($"{path}/accept", null, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await doctor.GetAsync(path)).StatusCode);
        var now = await w.Admin.GetAsync(path).Ok();
        Assert.Equal("Matched", now.Str("status"));
        Assert.Equal(2, now.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Only_a_member_school_raises_and_only_its_school_sees_and_closes()
    {
        var w = await system.World();
        var outsider = await w.Admin.Unit(w.County, "School");
        using var outsiderAdmin = system.Client(Role.SchoolAdmin, w.County, schoolId: outsider);
        var refused = await outsiderAdmin.Post($"/api/alliances/{w.Alliance}/needs", Raise);
        Assert.Equal("school-not-member", (await refused.ReadJson()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Admin.Post($"/api/alliances/{w.Alliance}/needs", Raise)).StatusCode);
        var bad = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", new { category = "Moon", description = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var need = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", Raise).Ok(HttpStatusCode.Created);
        var path = $"/api/alliances/needs/{need.Id()}";
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderAdmin.GetAsync(path)).StatusCode);
        Assert.Empty((await outsiderAdmin.GetAsync("/api/alliances/needs").Ok()).Items());
        Assert.Single((await w.SchoolAdmin.GetAsync($"/api/alliances/needs?status=Raised").Ok()).Items());
        // Hidden from the outsider (404 on read): closing it is 404 too, never the rule's 409 that tells it exists.
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderAdmin.Post($"{path}/close", null, "\"1\"")).StatusCode);
        Assert.Equal("Raised", (await w.SchoolAdmin.GetAsync(path).Ok()).Str("status"));
        Assert.Equal(HttpStatusCode.NotFound,
            (await system.County(AlliancesSystem.NextCounty()).GetAsync(path)).StatusCode);
    }
}
