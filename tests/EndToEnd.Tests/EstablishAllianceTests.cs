using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// The foundation's one flow, through the gateway: a county admin establishes an alliance in Alliances; the
/// integration event crosses RabbitMQ; Activities shows it from its own read model. And every refusal on the way.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EstablishAllianceTests(EndToEndSystem system)
{
    // Not 锦江区 510104: the role table seeds it through scripts/seed, with its regional alliance (one a county).
    private const string Pengzhou = "510182"; // 成都市彭州市
    private const string Qingyang = "510105"; // 成都市青羊区
    private const string Qingbaijiang = "510113"; // 成都市青白江区
    private const string Dayi = "510129"; // 成都市大邑县

    private static object Body(string? name = "彭州市家校社协同育人教联体", string? kind = "Regional",
        string? countyCode = Pengzhou, string? leadUnit = "彭州市教育局") =>
        new { name, kind, countyCode, leadUnit };

    [Fact]
    public async Task Established_alliance_reaches_activities_through_the_broker()
    {
        using var admin = system.Client(Role.CountyAdmin, Pengzhou);
        var name = $"彭州市教联体 {Guid.NewGuid():N}";

        var created = await admin.Post("/api/alliances", Body(name: name));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var alliance = await created.ReadJson();
        var id = alliance.GetProperty("id").GetGuid();
        Assert.Equal($"/api/alliances/{id}", created.Headers.Location?.ToString());
        Assert.Equal("Established", alliance.GetProperty("status").GetString());

        var known = await Eventually.Until(
            async () => await (await admin.GetAsync("/api/activities/alliances?pageSize=500")).ReadJson(),
            page => Items(page).Any(a => a.GetProperty("id").GetGuid() == id));
        var seen = Items(known).Single(a => a.GetProperty("id").GetGuid() == id);
        Assert.Equal(name, seen.GetProperty("name").GetString());
        Assert.Equal(Pengzhou, seen.GetProperty("countyCode").GetString());
        Assert.Equal("Regional", seen.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Read_carries_the_version_as_ETag_and_answers_304_when_unchanged()
    {
        // One regional alliance a county (issue 12): this test's is in a county of its own.
        using var admin = system.Client(Role.CountyAdmin, Qingbaijiang);
        var created = await admin.Post("/api/alliances", Body(countyCode: Qingbaijiang));
        var location = created.Headers.Location!.ToString();

        var read = await admin.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, location);
        conditional.Headers.IfNoneMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await admin.SendAsync(conditional)).StatusCode);
    }

    [Theory]
    [InlineData(null, "Regional", Pengzhou, "彭州市教育局", "name")]
    [InlineData("  ", "Regional", Pengzhou, "彭州市教育局", "name")]
    [InlineData("教联体", null, Pengzhou, "彭州市教育局", "kind")]
    [InlineData("教联体", "Regional", null, "彭州市教育局", "countyCode")]
    [InlineData("教联体", "Regional", "519999", "彭州市教育局", "countyCode")]
    [InlineData("教联体", "Regional", "5101", "彭州市教育局", "countyCode")]
    [InlineData("教联体", "Regional", Pengzhou, null, "leadUnit")]
    public async Task Missing_or_unknown_fields_are_a_400_naming_the_field_and_change_nothing(
        string? name, string? kind, string? countyCode, string? leadUnit, string field)
    {
        using var admin = system.Client(Role.CountyAdmin, Pengzhou);
        var before = await CountAlliances(Pengzhou);

        var response = await admin.Post("/api/alliances", Body(name, kind, countyCode, leadUnit));

        await AssertValidationProblem(response, field);
        Assert.Equal(before, await CountAlliances(Pengzhou));
    }

    [Theory]
    [InlineData("{\"name\": \"教联体\", \"kind\": \"Galaxy\", \"countyCode\": \"510182\", \"leadUnit\": \"局\"}", "kind")]
    [InlineData("{\"name\": \"教联体\", \"kind\": 1, \"countyCode\": \"510182\", \"leadUnit\": \"局\"}", "kind")]
    [InlineData("{\"name\": 42, \"kind\": \"Regional\", \"countyCode\": \"510182\", \"leadUnit\": \"局\"}", "name")]
    [InlineData("{\"name\": \"教联体\", \"kind\": \"Regional\"", "")]
    [InlineData("not json at all", "")]
    public async Task Malformed_json_is_a_400_naming_the_field_and_changes_nothing(string json, string field)
    {
        using var admin = system.Client(Role.CountyAdmin, Pengzhou);
        var before = await CountAlliances(Pengzhou);

        var response = await admin.PostRaw("/api/alliances", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJson();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        if (field.Length > 0)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        }
        Assert.Equal(before, await CountAlliances(Pengzhou));
    }

    [Fact]
    public async Task No_token_is_a_401()
    {
        using var anonymous = system.Anonymous();

        var response = await anonymous.Post("/api/alliances", Body());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/activities/alliances")).StatusCode);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_a_401()
    {
        using var forged = system.Anonymous();
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[64]);
        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            DevTokens.Mint(key, new TokenRequest(Role.CountyAdmin, Pengzhou)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.Post("/api/alliances", Body())).StatusCode);
    }

    [Fact]
    public async Task A_county_admin_of_another_county_is_a_403_and_nothing_changes()
    {
        using var other = system.Client(Role.CountyAdmin, Qingyang);
        var before = await CountAlliances(Pengzhou);

        var response = await other.Post("/api/alliances", Body(countyCode: Pengzhou));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(403, (await response.ReadJson()).GetProperty("status").GetInt32());
        Assert.Equal(before, await CountAlliances(Pengzhou));
    }

    [Fact]
    public async Task A_school_admin_may_not_establish_a_regional_alliance()
    {
        using var school = system.Client(Role.SchoolAdmin, Pengzhou, schoolId: Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Forbidden, (await school.Post("/api/alliances", Body())).StatusCode);
    }

    [Fact]
    public async Task An_alliance_outside_the_callers_region_is_not_found()
    {
        using var admin = system.Client(Role.CountyAdmin, Dayi);
        var location = (await admin.Post("/api/alliances", Body(countyCode: Dayi))).Headers.Location!.ToString();
        using var other = system.Client(Role.CountyAdmin, Qingyang);

        var response = await other.GetAsync(location);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Every_service_is_reachable_through_the_gateway()
    {
        using var anonymous = system.Anonymous();
        foreach (var service in system.Running)
        {
            var document = await anonymous.GetAsync($"/api/{service}/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.True((await document.ReadJson()).TryGetProperty("openapi", out _));
        }
    }

    private async Task<long> CountAlliances(string county)
    {
        using var province = system.Client(Role.ProvinceAdmin, "51");
        var page = await (await province.GetAsync($"/api/alliances?county={county}&pageSize=1")).ReadJson();
        return page.GetProperty("total").GetInt64();
    }

    private static async Task AssertValidationProblem(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJson();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    internal static IEnumerable<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray();
}
