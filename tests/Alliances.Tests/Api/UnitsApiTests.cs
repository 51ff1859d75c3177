using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class UnitsApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task A_unit_is_registered_listed_by_kind_and_county_and_its_contact_changed_with_IfMatch()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var created = await admin.Post("/api/alliances/units", new
        {
            kind = "TrafficPolice", name = "交警大队", countyCode = county, contactOfficer = "李警官", contactPhone = "110",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var unit = await created.ReadJson();
        Assert.Equal("TrafficPolice", unit.Str("kind"));
        Assert.Equal(county, unit.Str("countyCode"));
        Assert.Equal($"/api/alliances/units/{unit.Id()}", created.Headers.Location?.ToString());
        await admin.Unit(county, "School");

        var police = await admin.GetAsync($"/api/alliances/units?kind=TrafficPolice&county={county}").Ok();
        Assert.Equal(unit.Id(), Assert.Single(police.Items()).Id());
        Assert.Equal(2, (await admin.GetAsync($"/api/alliances/units?county={county}").Ok()).GetProperty("total").GetInt64());

        var path = $"/api/alliances/units/{unit.Id()}";
        Assert.Equal(HttpStatusCode.PreconditionFailed,
            (await admin.Send(HttpMethod.Put, $"{path}/contact", new { contactOfficer = "张警官" }, "\"7\"")).StatusCode);
        using var officer = system.Client(Role.MemberOfficer, county, memberUnitId: unit.Id());
        var changed = await officer.Send(HttpMethod.Put, $"{path}/contact", new { contactOfficer = "张警官", contactPhone = "122" },
            await officer.Etag(path)).Ok();
        Assert.Equal("张警官", changed.Str("contactOfficer"));
        Assert.Equal("\"2\"", (await admin.GetAsync(path)).ETag());
    }

    /// <summary>
    /// Answers carry Chinese as UTF-8, not as \uXXXX escapes (3 bytes a character instead of 6), while the
    /// characters HTML treats specially stay escaped; a client reading JSON sees the same strings either way.
    /// </summary>
    [Fact]
    public async Task Chinese_is_answered_as_UTF8_and_HTML_characters_stay_escaped()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var created = await admin.Post("/api/alliances/units", new { kind = "Library", name = "锦江<图书馆>&", countyCode = county });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var raw = await created.Content.ReadAsStringAsync();
        Assert.Contains("锦江", raw);
        Assert.DoesNotContain("\\u9526", raw, StringComparison.OrdinalIgnoreCase); // 锦 as an escape
        Assert.Contains("\\u003C", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<", raw);
        Assert.Equal("锦江<图书馆>&", (await created.ReadJson()).Str("name"));

        var refused = await admin.Post("/api/alliances/units", new { kind = "Spaceport", name = "x", countyCode = county });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("请求参数无效", problem); // the ProblemDetails too
        Assert.Contains("\"kind\"", problem);
    }

    [Theory]
    [InlineData("{\"kind\":\"Spaceport\",\"name\":\"x\",\"countyCode\":\"510104\"}", "kind")]
    [InlineData("{\"kind\":\"School\",\"countyCode\":\"510104\"}", "name")]
    [InlineData("{\"kind\":\"School\",\"name\":\"x\",\"countyCode\":\"519999\"}", "countyCode")]
    [InlineData("{\"kind\":\"School\",\"name\":\"x\",\"countyCode\":\"510104\",\"contactPhone\":\"call me\"}", "contactPhone")]
    [InlineData("{\"kind\":\"School\",\"name\":\"x\",\"countyCode\":\"510104\",\"contactPhone\":\"12\"}", "contactPhone")]
    [InlineData("{\"kind\":\"School\",\"name\":\"x\",\"countyCode\":\"510104\",\"contactPhone\":\"--\"}", "contactPhone")]
    public async Task Bad_input_is_a_400_naming_the_field(string json, string field)
    {
        using var admin = system.Client(Role.ProvinceAdmin, "51");
        var response = await admin.PostAsync("/api/alliances/units", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Only_the_regions_bureau_registers_and_another_region_sees_nothing()
    {
        var county = AlliancesSystem.NextCounty();
        var other = AlliancesSystem.NextCounty();
        var id = await system.County(county).Unit(county, "Museum");
        using var school = system.Client(Role.SchoolAdmin, county, schoolId: Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Forbidden, (await school.Post("/api/alliances/units",
            new { kind = "School", name = "x", countyCode = county })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.County(other).Post("/api/alliances/units",
            new { kind = "School", name = "x", countyCode = county })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await system.County(other).GetAsync($"/api/alliances/units/{id}")).StatusCode);
        Assert.Equal(1, (await system.County(county).GetAsync($"/api/alliances/units?county={county}").Ok()).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Units_are_registered_in_a_batch()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var units = await admin.Post("/api/alliances/units/batch", new
        {
            units = Enumerable.Range(1, 3).Select(i => new { kind = "School", name = $"第{i}小学", countyCode = county }),
        }).Ok(HttpStatusCode.Created);
        Assert.Equal(3, units.GetArrayLength());
        Assert.Equal(3, (await admin.GetAsync($"/api/alliances/units?county={county}&kind=School").Ok()).GetProperty("total").GetInt64());

        var bad = await admin.Post("/api/alliances/units/batch", new { units = new[] { new { kind = "School", name = "", countyCode = county } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ReadJson()).GetProperty("errors").TryGetProperty("units[0].name", out _));
    }
    [Fact]
    public async Task A_countys_units_come_a_page_at_a_time_in_name_order_each_page_with_the_whole_count()
    {
        var county = AlliancesSystem.NextCounty();
        using var admin = system.County(county);
        var names = new[] { "第3小学", "第1小学", "第5小学", "第2小学", "第4小学" };
        await admin.Post("/api/alliances/units/batch", new
        {
            units = names.Select(name => new { kind = "School", name, countyCode = county }),
        }).Ok(HttpStatusCode.Created);

        var pages = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var body = await admin.GetAsync($"/api/alliances/units?county={county}&pageSize=2&page={page}").Ok();
            Assert.Equal(5, body.GetProperty("total").GetInt64());
            pages.AddRange(body.Items().Select(u => u.Str("name")));
        }
        // Each unit once across the pages, in the order of their names.
        Assert.Equal(["第1小学", "第2小学", "第3小学", "第4小学", "第5小学"], pages);
        Assert.Empty((await admin.GetAsync($"/api/alliances/units?county={county}&pageSize=2&page=4").Ok()).Items());
    }
}
