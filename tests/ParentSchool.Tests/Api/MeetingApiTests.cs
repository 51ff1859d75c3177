using System.Net;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>家长会 and 家访 through the gateway, with ParentSchool's clock stepped past the start.</summary>
[Collection(SystemCollection.Name)]
public sealed class MeetingApiTests(ParentSchoolSystem system)
{
    private const string Meetings = "/api/parentschool/meetings";
    private const string Visits = "/api/parentschool/home-visits";

    [Fact]
    public async Task A_teacher_schedules_a_meeting_and_records_attendance_after_it_began()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var teacher = system.Teacher(place);
        var scheduled = await teacher.Post(Meetings, new
        {
            title = "期中家长会 Mid-term", grade = 4, className = "四(2)班", location = "学校礼堂 hall", startsAt = DateTimeOffset.UtcNow.AddMinutes(30),
        });
        var meeting = await scheduled.ReadJson();
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        var id = meeting.GetProperty("id").GetGuid();

        await teacher.Post($"{Meetings}/{id}/attendance", new { invited = 40, attended = 35 }, scheduled.ETag())
            .ExpectProblem(HttpStatusCode.Conflict, code: "meeting-not-started");
        system.Clock.Offset = TimeSpan.FromHours(1);
        try
        {
            await teacher.Post($"{Meetings}/{id}/attendance", new { invited = 40, attended = 41 }, scheduled.ETag())
                .ExpectProblem(HttpStatusCode.Conflict, code: "attended-exceeds-invited");
            await teacher.Post($"{Meetings}/{id}/attendance", new { invited = -1, attended = 1 }, scheduled.ETag())
                .ExpectProblem(HttpStatusCode.BadRequest, "invited");
            var held = await teacher.Post($"{Meetings}/{id}/attendance", new { invited = 40, attended = 35, notes = "顺利 / went well" }, scheduled.ETag())
                .Expect(HttpStatusCode.OK);
            Assert.Equal(("Held", 40, 35), (held.GetProperty("status").GetString(), held.GetProperty("invited").GetInt32(), held.GetProperty("attended").GetInt32()));
            await teacher.Post($"{Meetings}/{id}/cancellation", new { reason = "x" }, "\"2\"").ExpectProblem(HttpStatusCode.Conflict, code: "meeting-held");
        }
        finally
        {
            system.Clock.Offset = TimeSpan.Zero;
        }

        // Parents of the school and the county's admin see it; another school's parents and staff do not.
        using var parent = system.Parent(place);
        Assert.Contains(id, (await parent.GetAsync(Meetings).Expect(HttpStatusCode.OK)).Items().Select(m => m.GetProperty("id").GetGuid()));
        await system.CountyAdmin(place).GetAsync($"{Meetings}/{id}").Expect(HttpStatusCode.OK);
        await system.Teacher(place, Guid.NewGuid()).GetAsync($"{Meetings}/{id}").ExpectProblem(HttpStatusCode.NotFound);
        await parent.Post($"{Meetings}/{id}/attendance", new { invited = 1, attended = 1 }, "\"2\"").ExpectProblem(HttpStatusCode.Forbidden);
        await parent.Post(Meetings, new { title = "t", location = "l", startsAt = DateTimeOffset.UtcNow.AddDays(1) }).ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_meeting_needs_a_title_a_place_and_a_future_start_and_can_be_cancelled()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var admin = system.SchoolAdmin(place);
        await admin.Post(Meetings, new { title = "", location = "l", startsAt = DateTimeOffset.UtcNow.AddDays(1) }).ExpectProblem(HttpStatusCode.BadRequest, "title");
        await admin.Post(Meetings, new { title = "t", location = "l", startsAt = DateTimeOffset.UtcNow.AddDays(-1) }).ExpectProblem(HttpStatusCode.BadRequest, "startsAt");

        var scheduled = await admin.Post(Meetings, new { title = "全校家长会 whole school", location = "操场", startsAt = DateTimeOffset.UtcNow.AddDays(2) });
        var id = (await scheduled.ReadJson()).GetProperty("id").GetGuid();
        await admin.Post($"{Meetings}/{id}/cancellation", new { reason = "" }, scheduled.ETag()).ExpectProblem(HttpStatusCode.BadRequest, "reason");
        var cancelled = await admin.Post($"{Meetings}/{id}/cancellation", new { reason = "台风 typhoon" }, scheduled.ETag()).Expect(HttpStatusCode.OK);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(1, (await admin.GetAsync($"{Meetings}?status=Cancelled").Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_home_visit_is_seen_by_the_school_and_the_childs_own_parents_only()
    {
        var place = ParentSchoolSystem.NewPlace();
        var child = Guid.NewGuid();
        using var teacher = system.Teacher(place);
        var scheduled = await teacher.Post(Visits, new { studentId = child, purpose = "了解居家学习 / learning at home", plannedAt = DateTimeOffset.UtcNow.AddMinutes(20) });
        var id = (await scheduled.ReadJson()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        await teacher.Post(Visits, new { purpose = "x", plannedAt = DateTimeOffset.UtcNow }).ExpectProblem(HttpStatusCode.BadRequest, "studentId");

        await teacher.Post($"{Visits}/{id}/record", new { familyPresent = new[] { "母亲 mother" }, notes = "n" }, scheduled.ETag())
            .ExpectProblem(HttpStatusCode.Conflict, code: "visit-not-due");
        system.Clock.Offset = TimeSpan.FromHours(1);
        try
        {
            await teacher.Post($"{Visits}/{id}/record", new { familyPresent = Array.Empty<string>(), notes = "n" }, scheduled.ETag())
                .ExpectProblem(HttpStatusCode.BadRequest, "familyPresent");
            var done = await teacher.Post($"{Visits}/{id}/record", new { familyPresent = new[] { "母亲 mother", "祖父 grandfather" }, notes = "沟通良好 / good talk" }, scheduled.ETag())
                .Expect(HttpStatusCode.OK);
            Assert.Equal("Done", done.GetProperty("status").GetString());
        }
        finally
        {
            system.Clock.Offset = TimeSpan.Zero;
        }

        using var mother = system.Parent(place, children: [child]);
        Assert.Equal("沟通良好 / good talk", (await mother.GetAsync($"{Visits}/{id}").Expect(HttpStatusCode.OK)).GetProperty("notes").GetString());
        Assert.Equal([id], (await mother.GetAsync(Visits).Expect(HttpStatusCode.OK)).Items().Select(v => v.GetProperty("id").GetGuid()));
        using var otherParent = system.Parent(place, children: [Guid.NewGuid()]);
        await otherParent.GetAsync($"{Visits}/{id}").ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, (await otherParent.GetAsync(Visits).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        await system.CountyAdmin(place).GetAsync($"{Visits}/{id}").ExpectProblem(HttpStatusCode.NotFound);
        await system.Teacher(place, Guid.NewGuid()).GetAsync($"{Visits}/{id}").ExpectProblem(HttpStatusCode.NotFound);
        // Within the school: the school's admin yes, another teacher no.
        Assert.Equal([id], (await system.SchoolAdmin(place).GetAsync(Visits).Expect(HttpStatusCode.OK)).Items().Select(v => v.GetProperty("id").GetGuid()));
        using var colleague = system.Teacher(place);
        await colleague.GetAsync($"{Visits}/{id}").ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, (await colleague.GetAsync(Visits).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        await colleague.Post($"{Visits}/{id}/cancellation", new { reason = "x" }, "\"2\"").ExpectProblem(HttpStatusCode.NotFound);
    }
}
