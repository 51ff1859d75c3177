using System.Net;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

[Collection(SystemCollection.Name)]
public sealed class OpenApiTests(ParentSchoolSystem system)
{
    [Fact]
    public async Task The_openapi_document_lists_the_parent_school_endpoints()
    {
        using var anonymous = system.Anonymous();
        var document = await anonymous.GetAsync("/api/parentschool/openapi/v1.json").Expect(HttpStatusCode.OK);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "/api/parentschool/courses", "/api/parentschool/courses/{id}/enrolment",
            "/api/parentschool/my/courses/{courseId}/lessons/{lessonId}/completion", "/api/parentschool/figures",
            "/api/parentschool/library", "/api/parentschool/meetings", "/api/parentschool/home-visits",
            "/api/parentschool/my/recommendations", "/api/parentschool/certificates/{id}",
        }, paths);
    }
}
