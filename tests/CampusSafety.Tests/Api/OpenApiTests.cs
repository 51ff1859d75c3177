using System.Net;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

[Collection(SystemCollection.Name)]
public sealed class OpenApiTests(CampusSafetySystem system)
{
    [Fact]
    public async Task The_OpenAPI_document_lists_every_stream_through_the_gateway()
    {
        using var anonymous = system.Anonymous();

        var response = await anonymous.GetAsync("/api/campussafety/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadJson()).GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/campussafety/reports", "/api/campussafety/reports/{id}/photos", "/api/campussafety/escalations",
            "/api/campussafety/guard-posts/{id}/shifts/{shiftId}/check-in", "/api/campussafety/bullying-cases/{id}/reads",
            "/api/campussafety/drills/compliance", "/api/campussafety/safety-plans/{id}/approve",
            "/api/campussafety/traffic-plans/{schoolId}/review", "/api/campussafety/schools/{id}/units",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }
    }
}
