using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>The alliance's lifecycle and membership, through the gateway: outcomes, refusals, and nothing appended by a refusal.</summary>
[Collection(AlliancesCollection.Name)]
public sealed class AlliancesApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task A_regional_alliance_is_established_at_once_as_before()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);

        var response = await admin.Post("/api/alliances", new { name = "教联体", kind = "Regional", countyCode = county, leadUnit = "教育局" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJson();
        Assert.Equal("Established", body.Str("status"));
        Assert.Equal("\"1\"", response.ETag());
        Assert.Equal(1, body.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task A_proposed_alliance_is_established_later_then_suspended_reestablished_and_dissolved()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var id = await admin.Regional(county, status: "Proposed");
        var path = $"/api/alliances/{id}";
        Assert.Equal("Proposed", (await admin.GetAsync(path).Ok()).Str("status"));

        Assert.Equal("Established", (await admin.Do($"{path}/establish", path)).Str("status"));
        var suspended = await admin.Do($"{path}/suspend", path, new { reason = "牵头人调整 / lead changes" });
        Assert.Equal("Suspended", suspended.Str("status"));
        Assert.Equal("牵头人调整 / lead changes", suspended.Str("suspensionReason"));
        Assert.Equal("Established", (await admin.Do($"{path}/reestablish", path)).Str("status"));
        var dissolved = await admin.Do($"{path}/dissolve", path, new { reason = "合并 / merged" });
        Assert.Equal("Dissolved", dissolved.Str("status"));
        Assert.Equal(["Proposed", "Established", "Suspended", "Established", "Dissolved"],
            dissolved.GetProperty("history").EnumerateArray().Select(h => h.Str("status")));
        Assert.Equal("\"5\"", (await admin.GetAsync(path)).ETag());

        var again = await admin.Post($"{path}/reestablish", null, "\"5\"");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("alliance-not-suspended", (await again.ReadJson()).Str("code"));
    }

    [Fact]
    public async Task A_school_alliance_is_led_by_a_school_of_its_county_which_joins_as_lead()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var school = await admin.Unit(county, "School", "实验小学");
        using var principal = system.Client(Role.SchoolAdmin, county, schoolId: school);

        var created = await principal.Post("/api/alliances", new
        {
            name = "实验小学校级教联体", kind = "School", countyCode = county, leadUnitId = school, charter = "章程",
        }).Ok(HttpStatusCode.Created);

        Assert.Equal("实验小学", created.Str("leadUnit"));
        Assert.Equal(school, created.GetProperty("leadUnitId").GetGuid());
        var lead = Assert.Single(created.GetProperty("members").EnumerateArray());
        Assert.Equal("Lead", lead.Str("role"));
        var members = await admin.GetAsync($"/api/alliances/{created.Id()}/members").Ok();
        Assert.Equal(school, Assert.Single(members.Items()).GetProperty("unitId").GetGuid());
    }

    [Fact]
    public async Task A_school_alliance_outside_its_county_is_refused_and_nothing_is_appended()
    {
        var county = AlliancesSystem.NextCounty();
        var other = AlliancesSystem.NextCounty();
        using var province = system.Client(Role.CityAdmin, county[..4]);
        var school = await system.County(other).Unit(other, "School");
        using var admin = system.County(county);
        var before = (await province.GetAsync($"/api/alliances?county={county}").Ok()).GetProperty("total").GetInt64();

        var response = await admin.Post("/api/alliances", new { name = "x", kind = "School", countyCode = county, leadUnitId = school });

        // The county admin cannot even see a school of another county: the field is named.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty("leadUnitId", out _));

        Assert.Equal(before, (await province.GetAsync($"/api/alliances?county={county}").Ok()).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_school_alliance_whose_lead_school_is_in_another_county_is_a_409()
    {
        // A county admin whose token covers the whole province (51) sees both counties; the rule still refuses.
        var county = AlliancesSystem.NextCounty();
        var other = AlliancesSystem.NextCounty();
        using var admin = system.Client(Role.CountyAdmin, "51");
        var school = await admin.Unit(other, "School");

        var response = await admin.Post("/api/alliances", new { name = "x", kind = "School", countyCode = county, leadUnitId = school });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("school-alliance-outside-county", (await response.ReadJson()).Str("code"));
        Assert.Equal(0, (await admin.GetAsync($"/api/alliances?county={county}").Ok()).GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("519999")]
    [InlineData("5101")]
    public async Task An_unknown_division_code_is_a_400_naming_countyCode(string code)
    {
        using var admin = system.Client(Role.CountyAdmin, "51");
        var response = await admin.Post("/api/alliances", new { name = "x", kind = "Regional", countyCode = code, leadUnit = "局" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty("countyCode", out _));
    }

    [Fact]
    public async Task Members_join_and_leave_with_dates_and_roles()
    {
        var w = await system.World();
        var path = $"/api/alliances/{w.Alliance}";
        var hospital = await w.Admin.Unit(w.County, "Hospital");
        await w.Admin.Join(w.Alliance, hospital, "Adviser");

        var alliance = await w.Admin.GetAsync(path).Ok();
        Assert.Equal(3, alliance.GetProperty("members").GetArrayLength());
        Assert.Contains(alliance.GetProperty("members").EnumerateArray(), m => m.Str("role") == "Adviser" && m.Str("unitKind") == "Hospital");

        var left = await w.Admin.Do($"{path}/members/{hospital}/leave", path, new { reason = "调整" });
        Assert.Equal(2, left.GetProperty("members").GetArrayLength());
        var history = await w.Admin.GetAsync($"{path}/members?current=false").Ok();
        var past = history.Items().Single(m => m.GetProperty("unitId").GetGuid() == hospital);
        Assert.NotEqual(JsonValueKindNull, past.GetProperty("leftAt").ValueKind);
        Assert.Equal(2, (await w.Admin.GetAsync($"{path}/members").Ok()).GetProperty("total").GetInt64());
        Assert.Contains((await w.Admin.GetAsync($"/api/alliances?unitId={w.Police}").Ok()).Items(), a => a.Id() == w.Alliance);

        // The list shows each alliance in summary: its member count, not its members, history or charter (the detail).
        var listed = (await w.Admin.GetAsync($"/api/alliances?county={w.County}").Ok()).Items().Single(a => a.Id() == w.Alliance);
        Assert.Equal(2, listed.GetProperty("memberCount").GetInt32());
        Assert.Equal(alliance.Str("name"), listed.Str("name"));
        Assert.Equal("Established", listed.Str("status"));
        Assert.Equal(left.GetProperty("version").GetInt64(), listed.GetProperty("version").GetInt64());
        Assert.False(listed.TryGetProperty("members", out _));
        Assert.False(listed.TryGetProperty("history", out _));
        Assert.False(listed.TryGetProperty("charter", out _));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task The_charter_is_amended_with_IfMatch_and_a_blank_one_is_a_400()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var path = $"/api/alliances/{await admin.Regional(county)}";

        var amended = await admin.Send(HttpMethod.Put, $"{path}/charter", new { charter = "第一条 立德树人" }, "\"1\"").Ok();
        Assert.Equal("第一条 立德树人", amended.Str("charter"));
        Assert.Equal("\"2\"", (await admin.GetAsync(path)).ETag());

        var blank = await admin.Send(HttpMethod.Put, $"{path}/charter", new { charter = " " }, "\"2\"");
        Assert.True((await blank.ReadJson()).GetProperty("errors").TryGetProperty("charter", out _));
        Assert.Equal(HttpStatusCode.PreconditionFailed,
            (await admin.Send(HttpMethod.Put, $"{path}/charter", new { charter = "x" }, "\"1\"")).StatusCode);
        Assert.Equal("第一条 立德树人", (await admin.GetAsync(path).Ok()).Str("charter"));
    }

    [Fact]
    public async Task A_member_officer_takes_their_own_unit_out_but_no_other()
    {
        var w = await system.World();
        var path = $"/api/alliances/{w.Alliance}";
        Assert.Equal(HttpStatusCode.Forbidden,
            (await w.Officer.Post($"{path}/members/{w.School}/leave", new { reason = "x" }, await w.Admin.Etag(path))).StatusCode);

        var left = await w.Officer.Post($"{path}/members/{w.Police}/leave", new { reason = "辖区调整" }, await w.Admin.Etag(path)).Ok();

        Assert.DoesNotContain(left.GetProperty("members").EnumerateArray(), m => m.GetProperty("unitId").GetGuid() == w.Police);
    }

    [Fact]
    public async Task A_unit_joining_twice_is_a_409_and_nothing_is_appended()
    {
        var w = await system.World();
        var path = $"/api/alliances/{w.Alliance}";
        var etag = await w.Admin.Etag(path);

        var response = await w.Admin.Post($"{path}/members", new { unitId = w.School }, etag);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("already-member", (await response.ReadJson()).Str("code"));
        Assert.Equal(etag, await w.Admin.Etag(path));
    }

    [Fact]
    public async Task Joining_a_dissolved_alliance_is_a_409()
    {
        var w = await system.World();
        var path = $"/api/alliances/{w.Alliance}";
        await w.Admin.Do($"{path}/dissolve", path, new { reason = "撤销" });
        var unit = await w.Admin.Unit(w.County, "Library");
        var etag = await w.Admin.Etag(path);

        var response = await w.Admin.Post($"{path}/members", new { unitId = unit }, etag);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("alliance-dissolved", (await response.ReadJson()).Str("code"));
        var alliance = await w.Admin.GetAsync(path).Ok();
        Assert.Equal(0, alliance.GetProperty("members").GetArrayLength());
        Assert.Equal(0, (await w.Admin.GetAsync($"{path}/members").Ok()).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_stale_IfMatch_is_a_412_and_a_missing_one_a_428()
    {
        var w = await system.World();
        var path = $"/api/alliances/{w.Alliance}";
        var unit = await w.Admin.Unit(w.County, "Museum");

        Assert.Equal(HttpStatusCode.PreconditionFailed,
            (await w.Admin.Post($"{path}/members", new { unitId = unit }, "\"1\"")).StatusCode);
        Assert.Equal((HttpStatusCode)428, (await w.Admin.Post($"{path}/suspend", new { reason = "x" })).StatusCode);
        Assert.Equal("Established", (await w.Admin.GetAsync(path).Ok()).Str("status"));
        Assert.Equal(2, (await w.Admin.GetAsync(path).Ok()).GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Batch_joining_decides_each_unit_in_turn()
    {
        var w = await system.World();
        var path = $"/api/alliances/{w.Alliance}";
        var units = new[] { await w.Admin.Unit(w.County, "Library"), await w.Admin.Unit(w.County, "Theatre") };

        var joined = await w.Admin.Do($"{path}/members/batch", path, new { members = units.Select(u => new { unitId = u }) });
        Assert.Equal(4, joined.GetProperty("members").GetArrayLength());

        var twice = await w.Admin.Post($"{path}/members/batch", new { members = new[] { new { unitId = units[0] } } },
            await w.Admin.Etag(path));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task Lists_filter_by_county_kind_and_status_and_are_paginated()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var established = await admin.Regional(county);
        // One regional alliance a county at a time (issue 12): the first is dissolved before the next is proposed.
        await admin.Do($"/api/alliances/{established}/dissolve", $"/api/alliances/{established}", new { reason = "重组" });
        var proposed = await admin.Regional(county, status: "Proposed");

        var page = await admin.GetAsync($"/api/alliances?county={county}&status=Proposed").Ok();
        Assert.Equal(proposed, Assert.Single(page.Items()).Id());
        var first = await admin.GetAsync($"/api/alliances?county={county}&kind=Regional&pageSize=1").Ok();
        Assert.Equal(2, first.GetProperty("total").GetInt64());
        Assert.Single(first.Items());
        Assert.Equal(1, first.GetProperty("pageSize").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/alliances?status=Galaxy")).StatusCode);
        Assert.Contains((await admin.GetAsync($"/api/alliances?county={county}").Ok()).Items(), a => a.Id() == established);
    }

    [Fact]
    public async Task A_change_to_the_empty_id_is_a_404_not_a_500()
    {
        var w = await system.World();
        var response = await w.Admin.Post($"/api/alliances/{Guid.Empty}/suspend", new { reason = "x" }, "\"1\"");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_county_sees_nothing_and_may_change_nothing()
    {
        var w = await system.World();
        var outsider = AlliancesSystem.NextCounty();
        using var other = system.County(outsider);
        var path = $"/api/alliances/{w.Alliance}";

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Post($"{path}/suspend", new { reason = "x" }, "\"3\"")).StatusCode);
        Assert.Equal(0, (await other.GetAsync($"/api/alliances?county={w.County}").Ok()).GetProperty("total").GetInt64());
        using var school = system.Client(Role.SchoolAdmin, w.County, schoolId: w.School);
        Assert.Equal(HttpStatusCode.Forbidden, (await school.Post($"{path}/suspend", new { reason = "x" }, "\"3\"")).StatusCode);
        Assert.Equal("Established", (await w.Admin.GetAsync(path).Ok()).Str("status"));
    }
}
