using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.Wellbeing.Children;
using Marten;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

[Collection(SystemCollection.Name)]
public sealed class ChildRecordTests(WellbeingSystem system)
{
    private async Task<long> EventsOf(Guid stream)
    {
        await using var q = system.Store.QuerySession();
        return (await q.Events.FetchStreamAsync(stream)).Count;
    }

    [Fact]
    public async Task An_under_fourteen_without_consent_is_a_409_and_nothing_is_appended()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var id = Guid.NewGuid();
        var response = await admin.Post("/api/wellbeing/children", new
        {
            studentId = id, schoolId = school.Id, name = "李小红", dateOfBirth = new DateOnly(2016, 5, 1), className = "二年级一班",
            guardians = new[] { new { name = "李母", relation = "母亲" } },
        });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("consent-required", (await response.ReadJson()).GetProperty("code").GetString());
        Assert.Equal(0, await EventsOf(id));
        await using var q = system.Store.QuerySession();
        Assert.Null(await q.LoadAsync<JiaoLianTi.Platform.PersonalData.PersonKey>(id));
    }

    [Fact]
    public async Task Missing_fields_are_a_400_naming_them()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var response = await admin.Post("/api/wellbeing/children", new { schoolId = school.Id, guardians = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJson()).GetProperty("errors");
        foreach (var field in new[] { "name", "dateOfBirth", "className", "guardians" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task A_teacher_may_not_record_a_child()
    {
        var school = await system.SchoolAsync();
        using var teacher = system.Client(Role.Teacher, school.County, school.Id);
        var response = await teacher.Post("/api/wellbeing/children", new
        {
            schoolId = school.Id, name = "王", dateOfBirth = new DateOnly(2010, 1, 1), className = "x", guardians = new[] { new { name = "g", relation = "r" } },
        });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Need_to_know_admin_and_assigned_counsellor_read_others_are_refused_and_every_read_is_recorded()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var counsellorSubject = $"counsellor-{Guid.NewGuid():N}";
        var (id, _) = await admin.RecordChild(school, "赵小刚", counsellorSubject);

        var read = await admin.GetAsync($"/api/wellbeing/children/{id}?purpose=Care");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.ReadJson();
        Assert.Equal("赵小刚", body.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal("三年级二班", body.GetProperty("details").GetProperty("className").GetString());

        using var counsellor = system.Counsellor(school, counsellorSubject);
        Assert.Equal(HttpStatusCode.OK, (await counsellor.GetAsync($"/api/wellbeing/children/{id}?purpose=Screening")).StatusCode);

        using var otherCounsellor = system.Counsellor(school, $"other-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherCounsellor.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
        using var teacher = system.Client(Role.Teacher, school.County, school.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
        using var elsewhere = system.Client(Role.SchoolAdmin, "510105", Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/wellbeing/children/{id}")).StatusCode);

        // The access log: two reads recorded, and the three refused attempts (403, 403, 404) as attempts; listable by the
        // school's admins and the county. The read without a purpose was refused before anything was looked at.
        var logResponse = await admin.GetAsync($"/api/wellbeing/access-log?studentId={id}&refused=false");
        Assert.True(logResponse.IsSuccessStatusCode, await logResponse.Content.ReadAsStringAsync());
        var log = await logResponse.ReadJson();
        Assert.Equal(2, log.GetProperty("total").GetInt32());
        var attempts = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={id}&refused=true")).ReadJson();
        Assert.Equal(3, attempts.GetProperty("total").GetInt32());
        Assert.All(attempts.GetProperty("items").EnumerateArray(), a =>
        {
            Assert.True(a.GetProperty("refused").GetBoolean());
            Assert.Equal(JsonValueKind.Null, a.GetProperty("grantId").ValueKind);
        });
        Assert.Equal(new[] { "Counsellor", "SchoolAdmin", "Teacher" },
            attempts.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("readerRole").GetString()).Order());
        Assert.Equal(5, (await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={id}")).ReadJson()).GetProperty("total").GetInt32());
        var readers = log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reader").GetString()).ToHashSet();
        Assert.Contains(counsellorSubject, readers);
        Assert.Contains("Screening", log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("purpose").GetString()));
        using var county = system.Client(Role.CountyAdmin, school.County);
        var countyLog = await (await county.GetAsync($"/api/wellbeing/access-log?studentId={id}&refused=false")).ReadJson();
        Assert.Equal(2, countyLog.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await counsellor.GetAsync($"/api/wellbeing/access-log?studentId={id}")).StatusCode);
    }

    [Fact]
    public async Task A_grant_lets_its_holder_read_until_it_ends_and_the_read_names_the_grant()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school);
        var teacherSubject = $"teacher-{Guid.NewGuid():N}";
        using var teacher = system.Client(new TokenRequest(Role.Teacher, school.County, school.Id, Subject: teacherSubject));
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.Post($"/api/wellbeing/children/{id}/grants",
            new { grantee = teacherSubject, reason = "班主任参与帮扶", until = system.Clock.GetUtcNow().AddDays(7) })).StatusCode);
        var granted = await admin.Post($"/api/wellbeing/children/{id}/grants",
            new { grantee = teacherSubject, reason = "班主任参与帮扶", until = system.Clock.GetUtcNow().AddDays(7) }, etag);
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var grantId = (await granted.ReadJson()).GetProperty("grantId").GetGuid();

        var read = await teacher.GetAsync($"/api/wellbeing/children/{id}?purpose=SupportPlan");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(grantId, (await read.ReadJson()).GetProperty("readUnderGrant").GetGuid());
        var log = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={id}&reader={teacherSubject}&refused=false")).ReadJson();
        Assert.Equal(grantId, Assert.Single(log.GetProperty("items").EnumerateArray()).GetProperty("grantId").GetGuid());
        var attempts = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={id}&reader={teacherSubject}&refused=true")).ReadJson();
        Assert.Equal(1, attempts.GetProperty("total").GetInt32()); // the read before the grant

        var stale = await admin.Post($"/api/wellbeing/children/{id}/grants", new { grantee = "x", reason = "y", until = system.Clock.GetUtcNow().AddDays(1) }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var tooLong = await admin.Post($"/api/wellbeing/children/{id}/grants", new { grantee = "x", reason = "y", until = system.Clock.GetUtcNow().AddDays(60) }, granted.ETag());
        Assert.Equal(HttpStatusCode.Conflict, tooLong.StatusCode);
    }

    [Fact]
    public async Task An_assignment_or_a_grant_binds_the_person_at_their_school_the_same_subject_elsewhere_gets_nothing()
    {
        var school = await system.SchoolAsync();
        var sameCounty = await system.SchoolAsync(school.County);
        var otherCounty = await system.SchoolAsync("510105");
        using var admin = system.Admin(school);
        var subject = $"counsellor-{Guid.NewGuid():N}";
        var (id, etag) = await admin.RecordChild(school, "钱小雨", subject);
        using var counsellor = system.Counsellor(school, subject);
        Assert.Equal(HttpStatusCode.OK, (await counsellor.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);

        // The same subject on a token of another school (of this county: 403; of another: 404) reads, lists and changes nothing.
        var today = system.Today;
        foreach (var (elsewhere, refusal) in new[] { (sameCounty, HttpStatusCode.Forbidden), (otherCounty, HttpStatusCode.NotFound) })
        {
            using var impostor = system.Counsellor(elsewhere, subject);
            Assert.Equal(refusal, (await impostor.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
            Assert.Equal(refusal, (await impostor.Post($"/api/wellbeing/children/{id}/screenings", new { score = 30, takenOn = today }, etag)).StatusCode);
            Assert.Equal(refusal, (await impostor.Post($"/api/wellbeing/children/{id}/care-categories",
                new { category = "LeftBehindChild", source = "School" }, etag)).StatusCode);
            Assert.Equal(refusal, (await impostor.Post("/api/wellbeing/crises", new { studentId = id })).StatusCode);
            var listed = await (await impostor.GetAsync("/api/wellbeing/children")).ReadJson();
            Assert.DoesNotContain(id, listed.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("studentId").GetGuid()));
            var alerts = await (await impostor.GetAsync($"/api/wellbeing/alerts?studentId={id}")).ReadJson();
            Assert.Equal(0, alerts.GetProperty("total").GetInt32());
        }

        // A grant to a teacher of the school: the same subject at another school holds nothing.
        var teacherSubject = $"teacher-{Guid.NewGuid():N}";
        var granted = await admin.Post($"/api/wellbeing/children/{id}/grants",
            new { grantee = teacherSubject, reason = "班主任参与帮扶", until = system.Clock.GetUtcNow().AddDays(7) }, etag);
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        Assert.Equal(school.Id, (await granted.ReadJson()).GetProperty("granteeSchoolId").GetGuid());
        using var teacher = system.Client(new TokenRequest(Role.Teacher, school.County, school.Id, Subject: teacherSubject));
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync($"/api/wellbeing/children/{id}?purpose=SupportPlan")).StatusCode);
        using var otherTeacher = system.Client(new TokenRequest(Role.Teacher, sameCounty.County, sameCounty.Id, Subject: teacherSubject));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherTeacher.GetAsync($"/api/wellbeing/children/{id}?purpose=SupportPlan")).StatusCode);

        // A grant to a unit's officer binds the unit: the subject with another unit is someone else.
        var officerSubject = $"officer-{Guid.NewGuid():N}";
        var toUnit = await admin.Post($"/api/wellbeing/children/{id}/grants", new
        {
            grantee = officerSubject, reason = "社工跟进", until = system.Clock.GetUtcNow().AddDays(7), granteeUnitId = school.CommunityId,
        }, granted.ETag());
        Assert.Equal(HttpStatusCode.Created, toUnit.StatusCode);
        using var officer = system.Client(new TokenRequest(Role.MemberOfficer, school.County, MemberUnitId: school.CommunityId, Subject: officerSubject));
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
        using var otherUnit = system.Client(new TokenRequest(Role.MemberOfficer, school.County, MemberUnitId: school.HospitalId, Subject: officerSubject));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherUnit.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
        var both = await admin.Post($"/api/wellbeing/children/{id}/grants", new
        {
            grantee = "x", reason = "y", until = system.Clock.GetUtcNow().AddDays(1), granteeUnitId = school.CommunityId, granteeSchoolId = school.Id,
        }, toUnit.ETag());
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task A_token_whose_school_lies_outside_its_region_is_refused()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, _) = await admin.RecordChild(school);
        // The school is in 510104; a token naming it with region 510105 (or another province) is not one of its staff's.
        foreach (var region in new[] { "510105", "52" })
        {
            using var outside = system.Client(new TokenRequest(Role.SchoolAdmin, region, school.Id, Subject: $"admin-{school.Id:N}"));
            Assert.Equal(HttpStatusCode.Unauthorized, (await outside.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await outside.GetAsync("/api/wellbeing/children")).StatusCode);
        }
        // The province and the city contain the county: the same school is inside them.
        using var city = system.Client(new TokenRequest(Role.SchoolAdmin, "5101", school.Id, Subject: $"admin-{school.Id:N}"));
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).StatusCode);
    }

    [Fact]
    public async Task One_screening_result_changes_the_tier_and_alerts_the_counsellor_once()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var counsellorSubject = $"counsellor-{Guid.NewGuid():N}";
        var (id, etag) = await admin.RecordChild(school, counsellor: counsellorSubject);
        using var counsellor = system.Counsellor(school, counsellorSubject);
        var today = system.Today;

        var first = await counsellor.Post($"/api/wellbeing/children/{id}/screenings", new { score = 12, takenOn = today }, etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("Yellow", (await first.ReadJson()).GetProperty("tier").GetString());
        var second = await counsellor.Post($"/api/wellbeing/children/{id}/screenings", new { score = 13, takenOn = today }, first.ETag());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var alerts = await (await counsellor.GetAsync($"/api/wellbeing/alerts?studentId={id}")).ReadJson();
        var alert = Assert.Single(alerts.GetProperty("items").EnumerateArray());
        Assert.Equal("Yellow", alert.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await counsellor.Post($"/api/wellbeing/children/{id}/screenings", new { score = 500, takenOn = today }, second.ETag())).StatusCode);
    }

    [Fact]
    public async Task A_red_result_starts_the_crisis_chain_and_an_unacknowledged_level_escalates()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school, counsellor: "c-red");
        var today = system.Today;
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/wellbeing/children/{id}/screenings", new { score = 25, takenOn = today }, etag)).StatusCode);

        var crises = await (await admin.GetAsync("/api/wellbeing/crises")).ReadJson();
        var crisis = Assert.Single(crises.GetProperty("items").EnumerateArray());
        var crisisId = crisis.GetProperty("id").GetGuid();
        Assert.Equal("RedTier", crisis.GetProperty("trigger").GetString());

        await system.Services("wellbeing").RunCheckAsync<Retention.CrisisEscalationCheck>(system.Clock.GetUtcNow().AddMinutes(20));
        var after = await (await admin.GetAsync($"/api/wellbeing/crises/{crisisId}")).ReadJson();
        var steps = after.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(2, steps.Length);
        Assert.True(steps[0].GetProperty("missed").GetBoolean());
        Assert.Equal("Principal", steps[1].GetProperty("level").GetString());

        // The principal acknowledges; the guardian is told next.
        var etagCrisis = (await admin.GetAsync($"/api/wellbeing/crises/{crisisId}")).ETag();
        var ack = await admin.Post($"/api/wellbeing/crises/{crisisId}/acknowledge", new { level = "Principal" }, etagCrisis);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("Guardian", (await ack.ReadJson()).GetProperty("steps").EnumerateArray().Last().GetProperty("level").GetString());
        using var stranger = system.Client(Role.Counsellor, school.County, school.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Post($"/api/wellbeing/crises/{crisisId}/acknowledge", new { level = "Guardian" }, ack.ETag())).StatusCode);

        // The guardian (a parent whose token names the child) sees the chain and acknowledges; the county is told.
        using var parent = system.Client(new TokenRequest(Role.Parent, school.County, Children: [id]));
        var mine = await (await parent.GetAsync("/api/wellbeing/crises")).ReadJson();
        Assert.Equal(crisisId, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var guardianAck = await parent.Post($"/api/wellbeing/crises/{crisisId}/acknowledge", new { level = "Guardian" }, ack.ETag());
        Assert.Equal(HttpStatusCode.OK, guardianAck.StatusCode);
        Assert.Equal("County", (await guardianAck.ReadJson()).GetProperty("steps").EnumerateArray().Last().GetProperty("level").GetString());
        using var otherParent = system.Client(new TokenRequest(Role.Parent, school.County, Children: [Guid.NewGuid()]));
        Assert.Equal(HttpStatusCode.NotFound, (await otherParent.GetAsync($"/api/wellbeing/crises/{crisisId}")).StatusCode);
    }
}
