using System.Net;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// Member units see the raised needs of their alliances (not their descriptions, which may speak of children) and
/// offer to take one; the county decides by matching, and the need's history says who did each step.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class NeedOffersApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task A_member_sees_a_raised_need_offers_once_and_the_county_matches_it()
    {
        var w = await system.World();
        var school = system.Client(new TokenRequest(Role.SchoolAdmin, w.County, SchoolId: w.School, Subject: "principal-zhao"));
        var police = system.Client(new TokenRequest(Role.MemberOfficer, w.County, MemberUnitId: w.Police, Subject: "officer-chen"));
        var county = system.Client(new TokenRequest(Role.CountyAdmin, w.County, Subject: "bureau-liu"));
        var outsider = await w.Admin.Unit(w.County, "Hospital");
        var hospital = system.Client(Role.MemberOfficer, w.County, memberUnitId: outsider);
        var need = (await school.Post($"/api/alliances/{w.Alliance}/needs", new { category = "Traffic", description = "校门口早高峰拥堵，学生王某险些被撞" })
            .Ok(HttpStatusCode.Created)).Id();
        var path = $"/api/alliances/needs/{need}";

        var seen = Assert.Single((await police.GetAsync($"/api/alliances/needs?county={w.County}").Ok()).Items(), n => n.Id() == need);
        Assert.Equal("Raised", seen.Str("status"));
        Assert.Equal(NeedsApi.Withheld, seen.Str("description"));
        Assert.Equal(NeedsApi.Withheld, (await police.GetAsync(path).Ok()).Str("description"));
        Assert.DoesNotContain((await hospital.GetAsync($"/api/alliances/needs?county={w.County}").Ok()).Items(), n => n.Id() == need);
        Assert.Equal(HttpStatusCode.NotFound, (await hospital.GetAsync(path)).StatusCode);

        var offered = await police.Do($"{path}/offer", path, new { note = "可安排民警早高峰值守" });
        Assert.Equal("Raised", offered.Str("status"));
        Assert.Equal(w.Police, Assert.Single(offered.GetProperty("offers").EnumerateArray()).GetProperty("unitId").GetGuid());
        var again = await police.Post($"{path}/offer", new { note = "x" }, await police.Etag(path));
        Assert.Equal("already-offered", (await again.ReadJson()).Str("code"));
        // The hospital is no member: the need is hidden from it (404 above), so its offer is 404 too, never a 409.
        var stranger = await hospital.Post($"{path}/offer", new { note = "x" }, await county.Etag(path));
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await school.Post($"{path}/offer", new { note = "x" }, await county.Etag(path))).StatusCode);

        // The county sees the offer and decides.
        var forCounty = await county.GetAsync(path).Ok();
        Assert.Equal("校门口早高峰拥堵，学生王某险些被撞", forCounty.Str("description"));
        Assert.Single(forCounty.GetProperty("offers").EnumerateArray());
        await county.Do($"{path}/match", path, new { unitId = w.Police });
        Assert.Equal("校门口早高峰拥堵，学生王某险些被撞", (await police.GetAsync(path).Ok()).Str("description"));
        var late = await police.Post($"{path}/offer", new { note = "x" }, await police.Etag(path));
        Assert.Equal("need-not-raised", (await late.ReadJson()).Str("code"));

        var history = (await county.GetAsync(path).Ok()).GetProperty("history").EnumerateArray()
            .Select(h => (h.Str("status"), h.Str("by"))).ToList();
        Assert.Equal([("Raised", "principal-zhao"), ("Offered", "officer-chen"), ("Matched", "bureau-liu")], history);
    }
}
