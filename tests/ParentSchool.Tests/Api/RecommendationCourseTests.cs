using System.Net;
using System.Text.Json;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.ParentSchool.Recommendations;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>A recommendation shows courses only where one on its topics exists, or says none is available yet (issue 12).</summary>
[Collection(SystemCollection.Name)]
public sealed class RecommendationCourseTests(ParentSchoolSystem system)
{
    private const string ForMe = "/api/parentschool/my/recommendations";

    [Fact]
    public async Task With_no_course_on_its_topics_it_says_none_yet_and_shows_the_course_once_published()
    {
        var place = ParentSchoolSystem.NewPlace();
        await system.PublishAsync(new HazardReported(Guid.NewGuid(), place.School, place.County, HazardKinds.Traffic, DateTimeOffset.UtcNow));

        using var parent = system.Parent(place);
        var first = Assert.Single(await Eventually.Until(async () => (await parent.GetAsync(ForMe).Expect(HttpStatusCode.OK)).Items().ToList(),
            items => items.Count >= 1));
        Assert.False(first.GetProperty("coursesAvailable").GetBoolean());
        Assert.Empty(first.GetProperty("courses").EnumerateArray());
        Assert.Equal(RecommendationsApi.NoCourseYet, first.GetProperty("note").GetString());

        using var county = system.CountyAdmin(place);
        var (road, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "RoadSafety", "上学路上"));
        var now = Assert.Single((await parent.GetAsync(ForMe).Expect(HttpStatusCode.OK)).Items());
        Assert.True(now.GetProperty("coursesAvailable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, now.GetProperty("note").ValueKind);
        Assert.Equal(road, Assert.Single(now.GetProperty("courses").EnumerateArray()).GetProperty("id").GetGuid());
    }
}
