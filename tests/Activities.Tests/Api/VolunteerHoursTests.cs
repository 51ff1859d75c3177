using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>Volunteer hours: recorded by the organiser, approved once by a teacher, totalled per student, class and school.</summary>
[Collection(SystemCollection.Name)]
public sealed class VolunteerHoursTests(ActivitiesSystem system)
{
    [Fact]
    public async Task Hours_approved_by_a_teacher_count_in_the_totals_and_a_second_approval_is_refused()
    {
        var school = await system.School(Jinjiang);
        using var admin = system.Staff(Jinjiang, school);
        using var teacher = system.Staff(Jinjiang, school, Role.Teacher);
        var id = await OpenLecture(admin, seats: 5, kind: "VolunteerService", startsAt: system.Clock.GetUtcNow().AddMinutes(20));
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, (await teacher.Post($"/api/activities/{id}/registrations", Child(a, className: "初一(1)班"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await teacher.Post($"/api/activities/{id}/registrations", Child(b, className: "初一(2)班"))).StatusCode);

        await AssertProblem(await admin.Put($"/api/activities/{id}/volunteer-hours/{a}", new { hours = 2.5 }), HttpStatusCode.Conflict, "not-started");
        system.Clock.Advance(TimeSpan.FromMinutes(30));
        await AssertProblem(await admin.Put($"/api/activities/{id}/volunteer-hours/{a}", new { hours = 0 }), HttpStatusCode.BadRequest, "hours");
        await AssertProblem(await admin.Put($"/api/activities/{id}/volunteer-hours/{Guid.NewGuid()}", new { hours = 2 }), HttpStatusCode.Conflict, "not-confirmed");

        var recordedA = await admin.Put($"/api/activities/{id}/volunteer-hours/{a}", new { hours = 2.5 });
        Assert.Equal(HttpStatusCode.Created, recordedA.StatusCode);
        Assert.Equal((HttpStatusCode)428, (await admin.Put($"/api/activities/{id}/volunteer-hours/{a}", new { hours = 3 })).StatusCode);
        var amended = await admin.Put($"/api/activities/{id}/volunteer-hours/{a}", new { hours = 3 }, recordedA.ETag());
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        var recordedB = await admin.Put($"/api/activities/{id}/volunteer-hours/{b}", new { hours = 1.5 });

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Post($"/api/activities/{id}/volunteer-hours/{a}/approve", new { }, amended.ETag())).StatusCode);
        var approved = await teacher.Post($"/api/activities/{id}/volunteer-hours/{a}/approve", new { }, amended.ETag());
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("Approved", (await approved.ReadJson()).Str("status"));
        await AssertProblem(await teacher.Post($"/api/activities/{id}/volunteer-hours/{a}/approve", new { }, approved.ETag()), HttpStatusCode.Conflict, "already-approved");
        await AssertProblem(await admin.Put($"/api/activities/{id}/volunteer-hours/{a}", new { hours = 9 }, approved.ETag()), HttpStatusCode.Conflict, "hours-approved");
        await teacher.Post($"/api/activities/{id}/volunteer-hours/{b}/approve", new { }, recordedB.ETag());

        var student = await (await teacher.GetAsync($"/api/activities/students/{a}/volunteer-hours")).ReadJson();
        Assert.Equal(3m, student.GetProperty("approvedHours").GetDecimal());
        var totals = await (await teacher.GetAsync($"/api/activities/schools/{school}/volunteer-hours")).ReadJson();
        Assert.Equal(4.5m, totals.GetProperty("approvedHours").GetDecimal());
        Assert.Equal(2, totals.GetProperty("students").GetInt32());
        var classes = totals.GetProperty("classes").EnumerateArray().ToDictionary(c => c.Str("className"), c => c.GetProperty("approvedHours").GetDecimal());
        Assert.Equal(3m, classes["初一(1)班"]);
        Assert.Equal(1.5m, classes["初一(2)班"]);

        using var parent = system.Parent(Jinjiang, school, a);
        Assert.Equal(3m, (await (await parent.GetAsync($"/api/activities/students/{a}/volunteer-hours")).ReadJson()).GetProperty("approvedHours").GetDecimal());
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"/api/activities/students/{b}/volunteer-hours")).StatusCode);

        var participation = await (await admin.GetAsync($"/api/activities/schools/{school}/participation")).ReadJson();
        Assert.Equal(2, participation.GetProperty("confirmed").GetInt32());
        Assert.Equal(4.5m, participation.GetProperty("volunteerHoursApproved").GetDecimal());
        Assert.Equal(1, participation.GetProperty("activitiesByKind").GetProperty("VolunteerService").GetInt32());
        using var otherCounty = system.Client(Role.CountyAdmin, Qingyang);
        Assert.Equal(HttpStatusCode.NotFound, (await otherCounty.GetAsync($"/api/activities/schools/{school}/participation")).StatusCode);
    }
}
