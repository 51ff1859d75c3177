using System.Net;
using JiaoLianTi.Alliances.Contracts;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class ResourcesApiTests(AlliancesSystem system)
{
    private static object Body(Guid unit, string? title = "法治课堂", string[]? topics = null, int? capacity = 40) => new
    {
        unitId = unit, kind = "Course", title, topics = topics ?? [Pairings.PoliceSchool], capacity, schedule = "每周三 15:00-16:00",
    };

    [Fact]
    public async Task A_member_publishes_a_resource_it_is_listed_by_topic_then_withdrawn()
    {
        var w = await system.World();
        var created = await w.Officer.Post($"/api/alliances/{w.Alliance}/resources", Body(w.Police));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var resource = await created.ReadJson();
        Assert.Equal(w.Alliance, resource.GetProperty("allianceId").GetGuid());
        Assert.Equal(40, resource.GetProperty("capacity").GetInt32());
        Assert.Equal(w.County, resource.Str("countyCode"));

        var listed = await w.Admin.GetAsync($"/api/alliances/resources?county={w.County}&topic=PoliceSchool&status=Published").Ok();
        Assert.Equal(resource.Id(), Assert.Single(listed.Items()).Id());
        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/resources?county={w.County}&topic=SportEducation").Ok()).Items());

        var path = $"/api/alliances/resources/{resource.Id()}";
        var withdrawn = await w.Officer.Do($"{path}/withdraw", path, new { reason = "场地维修" });
        Assert.Equal("Withdrawn", withdrawn.Str("status"));
        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/resources?county={w.County}&status=Published").Ok()).Items());
        Assert.Equal(HttpStatusCode.Conflict, (await w.Officer.Post($"{path}/withdraw", new { reason = "x" }, "\"2\"")).StatusCode);
    }

    [Theory]
    [InlineData(null, "PoliceSchool", 10, "title")]
    [InlineData("t", "Astrology", 10, "topics")]
    [InlineData("t", "PoliceSchool", 0, "capacity")]
    public async Task Bad_input_is_a_400_naming_the_field(string? title, string topic, int capacity, string field)
    {
        var w = await system.World();
        var response = await w.Admin.Post($"/api/alliances/{w.Alliance}/resources", Body(w.Police, title, [topic], capacity));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/resources?county={w.County}").Ok()).Items());
    }

    [Fact]
    public async Task A_unit_that_is_not_a_member_or_a_suspended_alliance_publishes_nothing()
    {
        var w = await system.World();
        var stranger = await w.Admin.Unit(w.County, "Museum");
        var notMember = await w.Admin.Post($"/api/alliances/{w.Alliance}/resources", Body(stranger));
        Assert.Equal(HttpStatusCode.Conflict, notMember.StatusCode);
        Assert.Equal("unit-not-member", (await notMember.ReadJson()).Str("code"));

        var path = $"/api/alliances/{w.Alliance}";
        await w.Admin.Do($"{path}/suspend", path, new { reason = "整顿" });
        var suspended = await w.Officer.Post($"{path}/resources", Body(w.Police));
        Assert.Equal("alliance-not-established", (await suspended.ReadJson()).Str("code"));

        using var otherOfficer = system.Client(JiaoLianTi.Platform.Identity.Role.MemberOfficer, w.County, memberUnitId: stranger);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOfficer.Post($"{path}/resources", Body(w.Police))).StatusCode);
        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/resources?county={w.County}").Ok()).Items());
    }

    /// <summary>
    /// ResourcePublished leaves the service: a queue of this test's own, bound to the contract's exchange on the
    /// system's real broker, receives it with the resource's id (MessageId = the Marten event id).
    /// </summary>
    [Fact]
    public async Task A_published_resource_leaves_the_service_on_the_broker()
    {
        await using var probe = await BrokerProbe.BindAsync(system, typeof(JiaoLianTi.Alliances.Contracts.ResourcePublished));

        var w = await system.World();
        var resource = await w.Officer.Post($"/api/alliances/{w.Alliance}/resources", Body(w.Police, "禁毒宣传")).Ok(HttpStatusCode.Created);

        var found = (await probe.Until(seen => seen.Any(d => d.Raw.Contains(resource.Id().ToString()))))
            .FirstOrDefault(d => d.Raw.Contains(resource.Id().ToString()))?.Raw;

        Assert.NotNull(found);
        Assert.Contains(resource.Id().ToString(), found);
        var message = System.Text.Json.JsonDocument.Parse(found!).RootElement.GetProperty("message");
        Assert.Equal(40, message.GetProperty("capacity").GetInt32());
        Assert.Equal(w.County, message.Str("countyCode"));
        Assert.Equal(w.Police, message.GetProperty("unitId").GetGuid());
        Assert.Equal(["PoliceSchool"], message.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }
}
