using System.Net;
using System.Text.Json;
using JiaoLianTi.TestKit;
using JiaoLianTi.Wellbeing.Contracts;
using Npgsql;
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
    [Fact]
    public async Task A_home_visit_names_the_child_for_its_readers_sealed_at_rest_and_erased_with_the_childs_key()
    {
        var place = ParentSchoolSystem.NewPlace();
        var child = Guid.NewGuid();
        var name = $"王小明{Guid.NewGuid().ToString()[..4]}";
        using var teacher = system.Teacher(place);
        await teacher.Post(Visits, new { studentId = child, purpose = "p", plannedAt = DateTimeOffset.UtcNow.AddDays(1), studentName = new string('名', 51) })
            .ExpectProblem(HttpStatusCode.BadRequest, "studentName");
        var scheduled = await teacher.Post(Visits, new { studentId = child, purpose = "寒假安排", plannedAt = DateTimeOffset.UtcNow.AddDays(1), studentName = $" {name} " })
            .Expect(HttpStatusCode.Created);
        var id = scheduled.GetProperty("id").GetGuid();
        Assert.Equal(name, scheduled.GetProperty("studentName").GetString());
        Assert.Equal(name, (await teacher.GetAsync($"{Visits}/{id}").Expect(HttpStatusCode.OK)).GetProperty("studentName").GetString());
        Assert.Equal(name, Assert.Single((await system.SchoolAdmin(place).GetAsync(Visits).Expect(HttpStatusCode.OK)).Items()).GetProperty("studentName").GetString());
        // A visit scheduled without a name reads null: the list then shows the opaque id.
        var unnamed = await teacher.Post(Visits, new { studentId = Guid.NewGuid(), purpose = "p", plannedAt = DateTimeOffset.UtcNow.AddDays(1) })
            .Expect(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, unnamed.GetProperty("studentName").ValueKind);

        // At rest the name is sealed with the child's key: neither the event nor the document holds it in clear.
        await using (var connection = new NpgsqlConnection(system.Setting("ConnectionStrings:parentschooldb")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select count(*) from jlt.mt_events where stream_id = @id and data::text like @name", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("name", $"%{name}%");
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
            await using var stored = new NpgsqlCommand("select data::text from jlt.mt_doc_homevisit where id = @id", connection);
            stored.Parameters.AddWithValue("id", id);
            var document = (string)(await stored.ExecuteScalarAsync())!;
            Assert.DoesNotContain(name, document);
            Assert.Contains("sealedStudentName", document, StringComparison.OrdinalIgnoreCase);
        }

        // The guardians erase the child's data (Wellbeing's request, as the console's parent pages send it): the key
        // goes, and with it the name; the visit keeps its date and status.
        await system.PublishAsync(new ChildErasureRequested(Guid.NewGuid(), child, DateTimeOffset.UtcNow));
        var erased = await Eventually.Until(async () => await teacher.GetAsync($"{Visits}/{id}").Expect(HttpStatusCode.OK),
            v => v.GetProperty("studentName").ValueKind == JsonValueKind.Null, TimeSpan.FromSeconds(60));
        Assert.Equal("Scheduled", erased.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, erased.GetProperty("purpose").ValueKind);
    }
}
