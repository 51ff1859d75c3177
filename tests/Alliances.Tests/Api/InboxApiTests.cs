using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class InboxApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task An_officer_sees_only_their_units_needs_and_responsibilities()
    {
        var w = await system.World();
        var need = await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", new { category = "Safety", description = "d" }).Ok(HttpStatusCode.Created);
        await w.Admin.Do($"/api/alliances/needs/{need.Id()}/match", $"/api/alliances/needs/{need.Id()}", new { unitId = w.Police });
        var duty = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "巡逻", dueOn = system.Today.AddDays(3).ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created);

        var inbox = await w.Officer.GetAsync("/api/alliances/inbox").Ok();
        Assert.Equal(w.Police, inbox.GetProperty("unitId").GetGuid());
        Assert.Equal(need.Id(), Assert.Single(inbox.GetProperty("needs").Items()).Id());
        Assert.Equal(duty.Id(), Assert.Single(inbox.GetProperty("responsibilities").Items()).Id());

        var school = await w.SchoolAdmin.GetAsync("/api/alliances/inbox").Ok();
        Assert.Empty(school.GetProperty("needs").Items());
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Officer.GetAsync($"/api/alliances/inbox?unitId={w.School}")).StatusCode);
        Assert.Equal(duty.Id(), Assert.Single((await w.Admin.GetAsync($"/api/alliances/inbox?unitId={w.Police}").Ok())
            .GetProperty("responsibilities").Items()).Id());
        using var other = system.County(AlliancesSystem.NextCounty());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/alliances/inbox?unitId={w.Police}")).StatusCode);
        using var province = system.Client(Role.ProvinceAdmin, "51");
        Assert.Equal(HttpStatusCode.BadRequest, (await province.GetAsync("/api/alliances/inbox")).StatusCode);
    }
}
