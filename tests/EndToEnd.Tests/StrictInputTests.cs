using System.Net;
using System.Text;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// Text PostgreSQL cannot store (NUL) and null inside arrays are refused as a 400 naming the field, in a body at any
/// depth and in a query, before anything is decided; enums in a body only by their exact names.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StrictInputTests(EndToEndSystem system)
{
    [Theory]
    [InlineData("/api/alliances", """{"name":"教\u0000联体","kind":"Regional","countyCode":"510104","leadUnit":"教育局"}""", "name")]
    [InlineData("/api/alliances", """{"name":"教联体","kind":"regional","countyCode":"510104","leadUnit":"教育局"}""", "kind")]
    [InlineData("/api/alliances", """{"name":"教联体","kind":"Regional,School","countyCode":"510104","leadUnit":"教育局"}""", "kind")]
    [InlineData("/api/alliances", """{"name":"教联体","kind":1,"countyCode":"510104","leadUnit":"教育局"}""", "kind")]
    [InlineData("/api/wellbeing/children", """{"studentId":"0e6b7c5e-2f0e-4a51-9a8e-2f1c4b7d9a10","name":"张三","guardians":[null]}""", "guardians[0]")]
    public async Task A_body_field_that_cannot_be_taken_is_a_400_naming_it(string path, string body, string field)
    {
        using var admin = system.Client(Role.CountyAdmin, "510104");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await admin.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJson()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors name {errors}, not {field}");
    }

    [Fact]
    public async Task A_NUL_in_a_query_is_a_400_naming_it_and_nothing_is_listed()
    {
        using var admin = system.Client(Role.CountyAdmin, "510104");

        var response = await admin.GetAsync("/api/alliances?county=510104%00");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty("county", out _));
    }
}
