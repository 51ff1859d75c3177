using System.Net;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>Drafting, opening (with the safety plan for off-campus), closing, completing and cancelling, through the gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class ActivityLifecycleTests(ActivitiesSystem system)
{
    private async Task<int> CountAt(Guid school)
    {
        await using var session = system.Store.QuerySession();
        return await Marten.QueryableExtensions.CountAsync(
            System.Linq.Queryable.Where(session.Query<JiaoLianTi.Activities.Activities.ActivityView>(), a => a.SchoolId == school));
    }

    [Fact]
    public async Task A_school_admin_drafts_an_activity_in_the_schools_county()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);

        var response = await staff.Post("/api/activities", ActivityBody(seats: 40));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.ETag());
        var view = await response.ReadJson();
        Assert.Equal("Draft", view.Str("status"));
        Assert.Equal(Jinjiang, view.Str("countyCode"));
        Assert.Equal(school, view.GetProperty("schoolId").GetGuid());
        Assert.Equal(40, view.GetProperty("seatsLeft").GetInt32());
        Assert.Equal($"/api/activities/{view.GetProperty("id").GetGuid()}", response.Headers.Location?.ToString());

        var read = await staff.GetAsync(response.Headers.Location);
        Assert.Equal("\"1\"", read.ETag());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location);
        conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.NotModified, (await staff.SendAsync(conditional)).StatusCode);
    }

    [Fact]
    public async Task More_seats_than_the_resource_holds_is_a_409_and_appends_nothing()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, capacity: 50);
        using var staff = system.Staff(Jinjiang, school);

        var response = await staff.Post("/api/activities", ActivityBody(kind: "StudyTrip", seats: 51, resourceId: resource));

        await AssertProblem(response, HttpStatusCode.Conflict, "seats-over-capacity");
        Assert.Equal(0, await CountAt(school));
        Assert.Equal(HttpStatusCode.Created, (await staff.Post("/api/activities", ActivityBody(kind: "StudyTrip", seats: 50, resourceId: resource))).StatusCode);
    }

    [Fact]
    public async Task A_schedule_in_the_past_is_a_409_and_appends_nothing()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);

        var response = await staff.Post("/api/activities", ActivityBody(startsAt: system.Clock.GetUtcNow().AddHours(-1)));

        await AssertProblem(response, HttpStatusCode.Conflict, "schedule-in-past");
        Assert.Equal(0, await CountAt(school));
    }

    [Theory]
    [InlineData("title")]
    [InlineData("seats")]
    [InlineData("maxAge")]
    [InlineData("endsAt")]
    [InlineData("kind")]
    public async Task Bad_fields_are_a_400_naming_the_field_and_append_nothing(string field)
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var starts = DateTimeOffset.UtcNow.AddDays(30);
        object body = field switch
        {
            "title" => new { kind = "Lecture", title = " ", location = "礼堂", startsAt = starts, endsAt = starts.AddHours(1), seats = 10, minAge = 6, maxAge = 12 },
            "seats" => new { kind = "Lecture", title = "讲座", location = "礼堂", startsAt = starts, endsAt = starts.AddHours(1), seats = 0, minAge = 6, maxAge = 12 },
            "maxAge" => new { kind = "Lecture", title = "讲座", location = "礼堂", startsAt = starts, endsAt = starts.AddHours(1), seats = 10, minAge = 12, maxAge = 6 },
            "endsAt" => new { kind = "Lecture", title = "讲座", location = "礼堂", startsAt = starts, endsAt = starts.AddHours(-1), seats = 10, minAge = 6, maxAge = 12 },
            _ => (object)new { kind = "Picnic", title = "讲座", location = "礼堂", startsAt = starts, endsAt = starts.AddHours(1), seats = 10, minAge = 6, maxAge = 12 },
        };

        await AssertProblem(await staff.Post("/api/activities", body), HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await CountAt(school));
    }

    [Fact]
    public async Task A_parent_may_not_draft_and_an_unknown_resource_is_named()
    {
        var school = await system.School(Jinjiang);
        using var parent = system.Parent(Jinjiang, school, Guid.NewGuid());
        using var staff = system.Staff(Jinjiang, school);

        Assert.Equal(HttpStatusCode.Forbidden, (await parent.Post("/api/activities", ActivityBody())).StatusCode);
        await AssertProblem(await staff.Post("/api/activities", ActivityBody(resourceId: Guid.NewGuid())), HttpStatusCode.BadRequest, "resourceId");
    }

    [Fact]
    public async Task Open_needs_If_Match_and_answers_412_when_stale()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var (id, etag) = await Draft(staff, ActivityBody(offCampus: false));

        Assert.Equal((HttpStatusCode)428, (await staff.Post($"/api/activities/{id}/open", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await staff.Post($"/api/activities/{id}/open", new { }, "\"7\"")).StatusCode);
        var opened = await staff.Post($"/api/activities/{id}/open", new { }, etag);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("\"2\"", opened.ETag());
        Assert.Equal("Open", (await Details(staff, id)).Str("status"));
    }

    [Fact]
    public async Task An_off_campus_trip_opens_only_when_CampusSafety_approves_its_safety_plan()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, 80);
        using var staff = system.Staff(Jinjiang, school);
        var (id, etag) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: 60, resourceId: resource));

        await AssertProblem(await staff.Post($"/api/activities/{id}/open", new { }, etag), HttpStatusCode.Conflict, "safety-plan-arrangements-required");
        var asked = await staff.Post($"/api/activities/{id}/open", new { arrangements = "大巴两辆，带队教师六名" }, etag);
        Assert.Equal("AwaitingSafetyPlan", (await asked.ReadJson()).Str("status"));

        // Nobody registers before the plan is approved.
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);
        var early = await parent.Post($"/api/activities/{id}/registrations", Child(child));
        Assert.Equal(HttpStatusCode.NotFound, early.StatusCode); // not yet published to parents

        await system.PublishAsync(new SafetyPlanApproved(id, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var open = await Status(staff, id, "Open");
        Assert.Equal(60, open.GetProperty("seatsLeft").GetInt32());
    }

    [Fact]
    public async Task A_rejected_safety_plan_keeps_the_trip_closed_with_the_reasons()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, 80);
        using var staff = system.Staff(Jinjiang, school);
        var (id, etag) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: 60, resourceId: resource));
        await staff.Post($"/api/activities/{id}/open", new { arrangements = "步行前往" }, etag);

        await system.PublishAsync(new SafetyPlanRejected(id, Guid.NewGuid(), "带队教师不足 / Too few supervising teachers", DateTimeOffset.UtcNow));

        var draft = await Status(staff, id, "Draft");
        Assert.Contains("带队教师不足", draft.Str("safetyPlanRejection"));
        // The approval that arrives after a rejection opens nothing.
        await system.PublishAsync(new SafetyPlanApproved(id, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await Task.Delay(1000);
        Assert.Equal("Draft", (await Details(staff, id)).Str("status"));
    }

    [Fact]
    public async Task Close_complete_and_cancel_follow_the_lifecycle()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var id = await OpenLecture(staff, startsAt: system.Clock.GetUtcNow().AddMinutes(30));

        var early = await staff.Post($"/api/activities/{id}/complete", new { }, "\"2\"");
        await AssertProblem(early, HttpStatusCode.Conflict, "not-started");
        var closed = await staff.Post($"/api/activities/{id}/close", new { }, "\"2\"");
        Assert.Equal("Closed", (await closed.ReadJson()).Str("status"));

        system.Clock.Advance(TimeSpan.FromHours(1));
        var completed = await staff.Post($"/api/activities/{id}/complete", new { }, closed.ETag());
        Assert.Equal("Completed", (await completed.ReadJson()).Str("status"));
        await AssertProblem(await staff.Post($"/api/activities/{id}/cancel", new { reason = "下雨" }, completed.ETag()),
            HttpStatusCode.Conflict, "activity-status");

        var other = await OpenLecture(staff);
        await AssertProblem(await staff.Post($"/api/activities/{other}/cancel", new { }, "\"2\""), HttpStatusCode.BadRequest, "reason");
        var cancelled = await staff.Post($"/api/activities/{other}/cancel", new { reason = "场馆检修 / Venue maintenance" }, "\"2\"");
        Assert.Equal("Cancelled", (await cancelled.ReadJson()).Str("status"));
        Assert.Equal("场馆检修 / Venue maintenance", (await Details(staff, other)).Str("cancelReason"));
    }

    [Fact]
    public async Task Another_schools_teacher_may_read_an_open_activity_but_not_run_it()
    {
        var school = await system.School(Jinjiang);
        var otherSchool = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        using var outsider = system.Staff(Jinjiang, otherSchool, Role.Teacher);
        var (draft, _) = await Draft(staff, ActivityBody());
        var open = await OpenLecture(staff);

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/activities/{draft}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await outsider.GetAsync($"/api/activities/{open}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"/api/activities/{open}/close", new { }, "\"2\"")).StatusCode);
        Assert.Equal("Open", (await Details(staff, open)).Str("status"));
    }
}
