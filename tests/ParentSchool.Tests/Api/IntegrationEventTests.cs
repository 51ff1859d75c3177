using System.Net;
using System.Text.Json;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>
/// What leaves ParentSchool, caught on the real broker by a queue of the test's own bound to each contract's exchange
/// (MassTransit names it after the contract's full type name): CoursePublished, CourseRetired, EnrolmentCompleted.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IntegrationEventTests(ParentSchoolSystem system)
{
    [Fact]
    public async Task Publishing_retiring_and_completing_leave_the_service_as_contracts_with_opaque_ids_only()
    {
        await using var probe = await BrokerProbe.BindAsync(system, typeof(Contracts.CoursePublished), typeof(Contracts.CourseRetired),
            typeof(Contracts.EnrolmentCompleted));

        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (course, etag, body) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Safety", "防溺水 water safety", lessons: 1));
        var subject = $"parent-{Guid.NewGuid():N}";
        using var parent = system.Parent(place, subject);
        var enrolled = await parent.Post($"/api/parentschool/courses/{course}/enrolment", null);
        var done = await parent.Post($"/api/parentschool/my/courses/{course}/lessons/{Api.Courses.LessonIds(body)[0]}/completion", null, enrolled.ETag())
            .Expect(HttpStatusCode.OK);
        await county.Post($"/api/parentschool/courses/{course}/retire", null, etag).Expect(HttpStatusCode.OK);

        var received = new Dictionary<string, JsonElement>();
        foreach (var delivery in await probe.Until(seen => seen.Select(d => d.Type).Distinct().Count() == 3, TimeSpan.FromSeconds(60)))
        {
            received[delivery.Type] = delivery.Message;
        }

        Assert.Equal(3, received.Count);
        var published = received["CoursePublished"];
        Assert.Equal((course, 1, "Safety", "County", place.County), (published.GetProperty("courseId").GetGuid(), published.GetProperty("version").GetInt32(),
            published.GetProperty("topic").GetString(), published.GetProperty("scope").GetString(), published.GetProperty("regionCode").GetString()));
        Assert.Equal(course, received["CourseRetired"].GetProperty("courseId").GetGuid());
        var completed = received["EnrolmentCompleted"];
        Assert.Equal((course, place.School, place.County, done.GetProperty("certificateId").GetGuid()),
            (completed.GetProperty("courseId").GetGuid(), completed.GetProperty("schoolId").GetGuid(), completed.GetProperty("countyCode").GetString(),
                completed.GetProperty("certificateId").GetGuid()));
        Assert.Equal(Parents.ParentIds.Of(subject), completed.GetProperty("parentId").GetGuid());
        Assert.DoesNotContain(subject, completed.ToString());
    }
}
