using System.Net;
using System.Text.Json;
using JiaoLianTi.Activities.Contracts;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>
/// Recommendations driven by other services' events, over the real broker: the contracts are published as their
/// producers would (TestSystem.PublishAsync), and a parent of the school sees "recommended for you" with the reason.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RecommendationTests(ParentSchoolSystem system)
{
    private const string ForMe = "/api/parentschool/my/recommendations";

    private static async Task<List<JsonElement>> Recommended(HttpClient parent, int atLeast = 1)
    {
        var items = await Eventually.Until(async () => (await parent.GetAsync(ForMe).Expect(HttpStatusCode.OK)).Items().ToList(),
            items => items.Count >= atLeast);
        return items;
    }

    /// <summary>Waits until ParentSchool's queue holds no message, ready or unacknowledged.</summary>
    private async Task QueueDrained()
    {
        static bool Empty(string listing) => listing.Split('\n').Any(line => line.Split('\t', ' ') is ["parentschool", .., "0"]);
        await Task.Delay(200);
        var listing = await Eventually.Until(
            () => system.Servers.BrokerCommandAsync("list_queues", "-p", system.Id, "--quiet", "--no-table-headers", "name", "messages"), Empty);
        Assert.True(Empty(listing), listing);
    }

    private static Guid[] CourseIds(JsonElement recommendation) =>
        recommendation.GetProperty("courses").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToArray();

    [Fact]
    public async Task A_bullying_case_at_a_school_recommends_anti_bullying_and_communication_courses_to_its_parents_only()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (antiBullying, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "AntiBullying", "防欺凌 anti-bullying"));
        var (talking, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "ParentChildCommunication", "亲子沟通"));
        var (unrelated, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "PhoneUse", "手机"));

        await system.PublishAsync(new BullyingCaseOpened(Guid.NewGuid(), place.School, place.County, 5, DateTimeOffset.UtcNow));

        using var parent = system.Parent(place);
        var recommendation = Assert.Single(await Recommended(parent));
        Assert.Equal("BullyingPrevention", recommendation.GetProperty("reasonCode").GetString());
        Assert.Contains("bullying", recommendation.GetProperty("reason").GetString());
        Assert.Equal(new HashSet<Guid> { antiBullying, talking }, CourseIds(recommendation).ToHashSet());
        Assert.DoesNotContain(unrelated, CourseIds(recommendation));

        using var otherSchool = system.Parent(place, school: Guid.NewGuid());
        await Task.Delay(300);
        Assert.Equal(0, (await otherSchool.GetAsync(ForMe).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());

        // The school's staff see what was recommended to their parents; the event carried no child, nor does this.
        using var school = system.SchoolAdmin(place);
        var kept = Assert.Single((await school.GetAsync("/api/parentschool/recommendations").Expect(HttpStatusCode.OK)).Items());
        Assert.Equal("CampusSafety", kept.GetProperty("source").GetString());
        Assert.False(kept.TryGetProperty("caseId", out _));
    }

    [Fact]
    public async Task A_traffic_hazard_recommends_the_road_safety_course_and_other_hazards_do_not()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (road, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "RoadSafety", "上学路上 road safety"));

        await system.PublishAsync(new HazardReported(Guid.NewGuid(), place.School, place.County, HazardKinds.VendorsAndFood, DateTimeOffset.UtcNow));
        await system.PublishAsync(new HazardReported(Guid.NewGuid(), place.School, place.County, HazardKinds.Traffic, DateTimeOffset.UtcNow));

        using var parent = system.Parent(place);
        var recommendation = Assert.Single(await Recommended(parent));
        Assert.Equal("TrafficSafety", recommendation.GetProperty("reasonCode").GetString());
        Assert.Equal([road], CourseIds(recommendation));
        await Task.Delay(500);
        Assert.Single((await parent.GetAsync(ForMe).Expect(HttpStatusCode.OK)).Items());
    }

    [Fact]
    public async Task A_completed_activity_recommends_courses_on_its_topics_and_a_redelivery_is_applied_once()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (law, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Law", "法治 law"));
        var messageId = Guid.NewGuid();
        var completed = new ActivityCompleted(Guid.NewGuid(), "Lecture", place.School, place.County, ["PoliceSchool"], DateTimeOffset.UtcNow);

        await system.PublishAsync(completed, messageId);
        using var parent = system.Parent(place);
        var recommendation = Assert.Single(await Recommended(parent));
        Assert.Equal("ActivityFollowUp", recommendation.GetProperty("reasonCode").GetString());
        Assert.Contains(law, CourseIds(recommendation));

        // The same message again (a redelivery), carrying another time so that applying it would show.
        await system.PublishAsync(completed with { CompletedAt = DateTimeOffset.UtcNow.AddHours(1) }, messageId);
        await QueueDrained();
        Assert.Equal(completed.CompletedAt.ToUnixTimeSeconds(),
            Assert.Single(await Recommended(parent)).GetProperty("recommendedAt").GetDateTimeOffset().ToUnixTimeSeconds());

        // A course published later on the same topic is recommended too: courses are found when the parent asks.
        var (later, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Safety", "安全 later"));
        Assert.Contains(later, CourseIds(Assert.Single(await Recommended(parent))));
    }

    [Fact]
    public async Task A_county_wide_activity_reaches_every_school_of_the_county()
    {
        var place = ParentSchoolSystem.NewPlace();
        await system.PublishAsync(new ActivityCompleted(Guid.NewGuid(), "StudyTrip", null, place.County, ["VenueSchool"], DateTimeOffset.UtcNow));

        using var parent = system.Parent(place, school: Guid.NewGuid());
        var recommendation = Assert.Single(await Recommended(parent));
        Assert.Equal(["Safety", "StudyHabits"], recommendation.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        using var elsewhere = system.Parent(ParentSchoolSystem.NewPlace());
        Assert.Equal(0, (await elsewhere.GetAsync(ForMe).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        await system.SchoolAdmin(place).GetAsync(ForMe).ExpectProblem(HttpStatusCode.Forbidden);
    }
}
