using System.Net;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.TestKit;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>Alliances suspended, dissolved and re-established, as Activities hears of them.</summary>
[Collection(SystemCollection.Name)]
public sealed class AllianceLifecycleTests(ActivitiesSystem system)
{
    private static object AllianceActivity(Guid alliance) => new
    {
        kind = "CommunityClass", title = "社区实践课堂：垃圾分类", location = "社区活动中心", offCampus = false,
        startsAt = DateTimeOffset.UtcNow.AddDays(20), endsAt = DateTimeOffset.UtcNow.AddDays(20).AddHours(2),
        seats = 30, minAge = 6, maxAge = 14, allianceId = alliance,
    };

    [Fact]
    public async Task Its_activities_are_flagged_for_the_county_and_no_new_one_runs_under_it()
    {
        var alliance = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new AllianceEstablished(alliance, "锦江区测试教联体", "Regional", Jinjiang, "锦江区教育局", now, Version: 1));
        await system.Known<KnownAlliance>(alliance);
        using var county = system.Client(Role.CountyAdmin, Jinjiang);
        var (id, etag) = await Draft(county, AllianceActivity(alliance));
        Assert.Equal(HttpStatusCode.OK, (await county.Post($"/api/activities/{id}/open", new { }, etag)).StatusCode);

        await system.PublishAsync(new AllianceSuspended(alliance, Jinjiang, "整改", now.AddMinutes(1), Version: 2));
        var flagged = await Eventually.Until(async () => await Details(county, id), v => v.Str("allianceFlag") == "Suspended");
        Assert.Equal("Suspended", flagged.Str("allianceFlag"));
        Assert.Equal("Open", flagged.Str("status"));
        var list = await (await county.GetAsync($"/api/activities?flagged=true&alliance={alliance}")).ReadJson();
        Assert.Equal([id], list.Items().Select(i => i.Id()));
        await AssertProblem(await county.Post("/api/activities", AllianceActivity(alliance)), HttpStatusCode.Conflict, "alliance-suspended");

        await system.PublishAsync(new AllianceReestablished(alliance, Jinjiang, now.AddMinutes(2), Version: 3));
        await Eventually.Until(async () => await Details(county, id), v => v.GetProperty("allianceFlag").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Empty((await (await county.GetAsync($"/api/activities?flagged=true&alliance={alliance}")).ReadJson()).Items());

        await system.PublishAsync(new AllianceDissolved(alliance, Jinjiang, "撤并", now.AddMinutes(3), Version: 4));
        var dissolved = await Eventually.Until(async () => await Details(county, id), v => v.Str("allianceFlag") == "Dissolved");
        Assert.Equal("Dissolved", dissolved.Str("allianceFlag"));
        var alliances = await (await county.GetAsync("/api/activities/alliances?pageSize=500")).ReadJson();
        Assert.Equal("Dissolved", alliances.Items().Single(a => a.Id() == alliance).Str("status"));
        await AssertProblem(await county.Post("/api/activities", AllianceActivity(alliance)), HttpStatusCode.Conflict, "alliance-dissolved");
        // The refusals appended nothing: the alliance still has its one activity.
        var all = await (await county.GetAsync($"/api/activities?alliance={alliance}")).ReadJson();
        Assert.Equal([id], all.Items().Select(i => i.Id()));
        Assert.Equal([id], (await (await county.GetAsync($"/api/activities?flagged=true&alliance={alliance}")).ReadJson()).Items().Select(i => i.Id()));
    }
}

/// <summary>A venue's capacity is shared by the activities that overlap in time at it.</summary>
[Collection(SystemCollection.Name)]
public sealed class VenueCapacityApiTests(ActivitiesSystem system)
{
    private static object AtVenue(Guid resource, int seats, DateTimeOffset start) =>
        ActivityBody(kind: "CommunityClass", seats: seats, resourceId: resource, startsAt: start, offCampus: false);

    [Fact]
    public async Task Overlapping_activities_at_one_venue_hold_no_more_than_its_capacity()
    {
        var resource = await system.Resource(Jinjiang, 40);
        var schoolA = await system.School(Jinjiang, "甲校");
        var schoolB = await system.School(Jinjiang, "乙校");
        using var a = system.Staff(Jinjiang, schoolA);
        using var b = system.Staff(Jinjiang, schoolB);
        var start = DateTimeOffset.UtcNow.AddDays(40);

        var (first, firstTag) = await Draft(a, AtVenue(resource, 25, start));
        Assert.Equal(HttpStatusCode.OK, (await a.Post($"/api/activities/{first}/open", new { }, firstTag)).StatusCode);
        var (second, secondTag) = await Draft(b, AtVenue(resource, 20, start.AddHours(1)));
        await AssertProblem(await b.Post($"/api/activities/{second}/open", new { }, secondTag), HttpStatusCode.Conflict, "venue-capacity-taken");
        var unchanged = await b.GetAsync($"/api/activities/{second}");
        Assert.Equal(secondTag, unchanged.ETag());
        Assert.Equal("Draft", (await unchanged.ReadJson()).Str("status"));

        // Another day at the same venue is free; and once the first is cancelled, the second fits.
        var (nextDay, nextDayTag) = await Draft(b, AtVenue(resource, 40, start.AddDays(1)));
        Assert.Equal(HttpStatusCode.OK, (await b.Post($"/api/activities/{nextDay}/open", new { }, nextDayTag)).StatusCode);
        var firstNow = await a.GetAsync($"/api/activities/{first}");
        Assert.Equal(HttpStatusCode.OK, (await a.Post($"/api/activities/{first}/cancel", new { reason = "改期 / Moved" }, firstNow.ETag())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.Post($"/api/activities/{second}/open", new { }, secondTag)).StatusCode);
    }

    [Fact]
    public async Task Two_openings_at_once_cannot_both_take_the_same_places()
    {
        var resource = await system.Resource(Jinjiang, 40);
        var start = DateTimeOffset.UtcNow.AddDays(45);
        var drafts = new List<(HttpClient Staff, Guid Id, string ETag)>();
        foreach (var name in new[] { "丙校", "丁校", "戊校" })
        {
            var staff = system.Staff(Jinjiang, await system.School(Jinjiang, name));
            var (id, etag) = await Draft(staff, AtVenue(resource, 30, start));
            drafts.Add((staff, id, etag));
        }
        var answers = await Task.WhenAll(drafts.Select(d => d.Staff.Post($"/api/activities/{d.Id}/open", new { }, d.ETag)));
        Assert.Equal(1, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(2, answers.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in answers.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await AssertProblem(refused, HttpStatusCode.Conflict, "venue-capacity-taken");
        }
        drafts.ForEach(d => d.Staff.Dispose());
    }
}

/// <summary>A safety plan nobody reviewed: the county's list by deadline, the school's notice, the cancellation at the start.</summary>
[Collection(SystemCollection.Name)]
public sealed class SafetyPlanReviewApiTests(ActivitiesSystem system)
{
    [Fact]
    public async Task An_unreviewed_plan_is_listed_reminded_and_cancels_its_activity_at_the_start()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, 100);
        using var staff = system.Staff(Jinjiang, school);
        var start = DateTimeOffset.UtcNow.AddDays(4);
        var (id, etag) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: 30, resourceId: resource, startsAt: start));
        Assert.Equal(HttpStatusCode.OK, (await staff.Post($"/api/activities/{id}/open", new { arrangements = "大巴 1 辆，带队教师 4 名" }, etag)).StatusCode);

        using var county = system.Client(Role.CountyAdmin, Jinjiang);
        var reviews = await (await county.GetAsync("/api/activities/safety-plan-reviews?pageSize=500")).ReadJson();
        var row = reviews.Items().Single(i => i.Id() == id);
        Assert.Equal(start.ToUnixTimeSeconds(), row.GetProperty("safetyPlanReviewDeadline").GetDateTimeOffset().ToUnixTimeSeconds());
        var deadlines = reviews.Items().Select(i => i.GetProperty("safetyPlanReviewDeadline").GetDateTimeOffset()).ToList();
        Assert.Equal(deadlines.Order(), deadlines);
        await AssertProblem(await staff.GetAsync("/api/activities/safety-plan-reviews"), HttpStatusCode.Forbidden);

        var checks = system.Services("activities");
        await checks.RunCheckAsync<SafetyPlanReviewCheck>(start - TimeSpan.FromHours(49));
        Assert.Equal(JsonNull, (await Details(staff, id)).GetProperty("safetyPlanReminderSentAt").ValueKind);
        await checks.RunCheckAsync<SafetyPlanReviewCheck>(start - TimeSpan.FromHours(47));
        var reminded = await Details(staff, id);
        Assert.Equal("AwaitingSafetyPlan", reminded.Str("status"));
        Assert.NotEqual(JsonNull, reminded.GetProperty("safetyPlanReminderSentAt").ValueKind);

        await checks.RunCheckAsync<SafetyPlanReviewCheck>(start);
        var cancelled = await Details(staff, id);
        Assert.Equal("Cancelled", cancelled.Str("status"));
        using var parent = system.Parent(Jinjiang, school, Guid.NewGuid());
        var seen = await Details(parent, id);
        Assert.Equal(ActivityDecider.SafetyPlanNotReviewedReason, seen.Str("cancelReason"));
        Assert.DoesNotContain((await (await county.GetAsync("/api/activities/safety-plan-reviews?pageSize=500")).ReadJson()).Items(), i => i.Id() == id);
        // A plan approved late changes nothing.
        await system.PublishAsync(new CampusSafety.Contracts.SafetyPlanApproved(id, Guid.NewGuid(), DateTimeOffset.UtcNow));
        Assert.Equal(cancelled.GetProperty("revision").GetInt32(), (await Details(staff, id)).GetProperty("revision").GetInt32());
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}

/// <summary>The guardian who consented withdraws it: the seat is released and the waitlist moves.</summary>
[Collection(SystemCollection.Name)]
public sealed class ConsentWithdrawalTests(ActivitiesSystem system)
{
    [Fact]
    public async Task The_consenting_guardian_withdraws_and_the_first_waiting_takes_the_seat()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var id = await OpenLecture(staff, seats: 1);
        var (seated, waiting) = (Guid.NewGuid(), Guid.NewGuid());
        using var guardian = system.Parent(Jinjiang, school, seated);
        using var otherGuardian = system.Parent(Jinjiang, school, seated);
        using var waitingParent = system.Parent(Jinjiang, school, waiting);
        var registered = await guardian.Post($"/api/activities/{id}/registrations", Child(seated));
        Assert.Equal("Confirmed", (await registered.ReadJson()).Str("status"));
        Assert.Equal("Waitlisted", (await (await waitingParent.Post($"/api/activities/{id}/registrations", Child(waiting))).ReadJson()).Str("status"));

        var path = $"/api/activities/{id}/registrations/{seated}/withdraw-consent";
        await AssertProblem(await otherGuardian.Post(path, null, registered.ETag()), HttpStatusCode.Forbidden);
        await AssertProblem(await staff.Post(path, null, registered.ETag()), HttpStatusCode.Forbidden);
        await AssertProblem(await guardian.Post(path, null, "\"9\""), HttpStatusCode.PreconditionFailed);
        Assert.Equal(registered.ETag(), (await guardian.GetAsync($"/api/activities/{id}/registrations/{seated}")).ETag());

        var withdrawn = await guardian.Post(path, null, registered.ETag());
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Cancelled", (await withdrawn.ReadJson()).Str("status"));
        var view = await (await guardian.GetAsync($"/api/activities/{id}/registrations/{seated}")).ReadJson();
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, view.GetProperty("consentWithdrawnAt").ValueKind);
        Assert.Equal(withdrawn.ETag(), $"\"{view.GetProperty("version").GetInt32()}\"");
        Assert.Equal("Confirmed", (await (await waitingParent.GetAsync($"/api/activities/{id}/registrations/{waiting}")).ReadJson()).Str("status"));
        var details = await Details(staff, id);
        Assert.Equal(0, details.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(0, details.GetProperty("waitlistLength").GetInt32());
        await AssertProblem(await guardian.Post(path, null, withdrawn.ETag()), HttpStatusCode.Conflict, "registration-cancelled");
    }
}
