using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// An enum is taken only as a defined name spelled exactly: in a token's claims (else 401, at the gateway and at the
/// service itself), in a query or route value and in a JSON body (else 400 naming the field). Enum.TryParse, which
/// the system used before, takes "2", "99", "Teacher,CountyAdmin" and " CountyAdmin ".
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StrictNamesTests(EndToEndSystem system)
{
    private static readonly string[] LenientRoles = ["2", "99", "Teacher,CountyAdmin", " CountyAdmin ", "countyadmin", ""];

    [Fact]
    public async Task A_token_whose_role_is_not_exactly_a_defined_name_is_refused_at_the_gateway_and_at_the_service()
    {
        using var direct = new HttpClient { BaseAddress = system.Address("activities") };
        using var viaGateway = system.Anonymous();
        foreach (var role in LenientRoles)
        {
            var token = Raw(new() { ["sub"] = "probe", ["role"] = role, ["region"] = "510104" });
            foreach (var client in new[] { direct, viaGateway })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/alliances");
                request.Headers.Authorization = new("Bearer", token);
                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"role '{role}' via {client.BaseAddress}: {response.StatusCode}");
            }
        }
        // The same token with the role spelled right is accepted, so it is the role that was refused.
        using var accepted = new HttpRequestMessage(HttpMethod.Get, "/api/activities/alliances");
        accepted.Headers.Authorization = new("Bearer", Raw(new() { ["sub"] = "probe", ["role"] = "CountyAdmin", ["region"] = "510104" }));
        Assert.Equal(HttpStatusCode.OK, (await viaGateway.SendAsync(accepted)).StatusCode);
    }

    [Theory]
    [InlineData("Teacher", null, null, "510104")]                    // school staff without their school
    [InlineData("MemberOfficer", null, null, "510104")]              // a unit's officer without the unit
    [InlineData("DepartmentOfficer", null, null, "510104")]          // no department
    [InlineData("CountyAdmin", null, null, "5101040")]               // not a division prefix
    [InlineData("Teacher", "not-a-guid", null, "510104")]            // an id that is no id
    [InlineData("DepartmentOfficer", null, "police", "510104")]      // a department not spelled as defined
    public async Task A_token_that_lacks_what_its_role_needs_is_refused(string role, string? school, string? department, string region)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "probe", ["role"] = role, ["region"] = region };
        if (school is not null) claims["school_id"] = school;
        if (department is not null) claims["department"] = department;
        using var client = system.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/alliances");
        request.Headers.Authorization = new("Bearer", Raw(claims));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_development_issuer_refuses_lenient_names_and_roles_without_their_school_or_unit()
    {
        using var anonymous = system.Anonymous();
        foreach (var role in new[] { "Teacher,CountyAdmin", " CountyAdmin ", "countyAdmin" })
        {
            var refused = await anonymous.Post("/dev/token", new { role, region = "510104" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.ReadJson()).GetProperty("errors").TryGetProperty("role", out _), role);
        }
        var teacher = await anonymous.Post("/dev/token", new { role = "Teacher", region = "510104" });
        Assert.Equal(HttpStatusCode.BadRequest, teacher.StatusCode);
        Assert.True((await teacher.ReadJson()).GetProperty("errors").TryGetProperty("schoolId", out _));
        var officer = await anonymous.Post("/dev/token", new { role = "MemberOfficer", region = "510104" });
        Assert.True((await officer.ReadJson()).GetProperty("errors").TryGetProperty("memberUnitId", out _));
    }

    [Theory]
    [InlineData("519999")] // a county code no division has
    [InlineData("5199")]   // a city code that does not exist
    [InlineData("99")]     // no such province
    public async Task The_development_issuer_refuses_a_region_no_division_has(string region)
    {
        using var anonymous = system.Anonymous();
        var refused = await anonymous.Post("/dev/token", new { role = "CountyAdmin", region });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.ReadJson()).GetProperty("errors").TryGetProperty("region", out _));
        // Each level that exists is taken: province, city, county.
        foreach (var known in new[] { "51", "5101", "510104" })
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.Post("/dev/token", new { role = "CountyAdmin", region = known })).StatusCode);
        }
    }

    [Fact]
    public async Task An_enum_in_a_query_must_be_a_defined_name_and_a_wrong_one_is_a_400_naming_it()
    {
        using var admin = system.Client(Role.SchoolAdmin, "510104", schoolId: Guid.NewGuid());
        foreach (var purpose in new[] { "99", "0", "Care,Safety", "care" })
        {
            var response = await admin.GetAsync($"/api/wellbeing/referrals/{Guid.NewGuid()}?purpose={Uri.EscapeDataString(purpose)}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"purpose={purpose}: {response.StatusCode}");
            var problem = await response.ReadJson();
            Assert.True(problem.GetProperty("errors").TryGetProperty("purpose", out _), $"purpose={purpose}: {problem}");
        }
    }

    [Fact]
    public async Task The_OpenAPI_documents_still_list_enums_by_their_names()
    {
        using var anonymous = system.Anonymous();
        var document = await (await anonymous.GetAsync("/api/wellbeing/openapi/v1.json")).ReadJson();
        var names = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Where(s => s.Value.TryGetProperty("enum", out _))
            .ToDictionary(s => s.Name, s => s.Value.GetProperty("enum").EnumerateArray().Select(v => v.ToString()).ToArray());
        Assert.Contains(names.Values, v => v.SequenceEqual(Enum.GetNames<JiaoLianTi.Wellbeing.Protection.AccessPurpose>()));
        Assert.All(names.Values.SelectMany(v => v), v => Assert.False(int.TryParse(v, out _), $"enum value {v} is a number"));
    }

    private static string Raw(Dictionary<string, object> claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = DevTokens.Issuer,
        Audience = DevTokens.Audience,
        Claims = claims,
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(DevTokens.SigningKey(new ConfigurationBuilder().Build()), SecurityAlgorithms.HmacSha256),
    });
}
