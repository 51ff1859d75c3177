using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.TestKit;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Wellbeing.Retention;
using Marten;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

[Collection(SystemCollection.Name)]
public sealed class CareAndDirectoryTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_missed_follow_up_of_a_left_behind_child_alerts_once_and_a_follow_up_resets_the_clock()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school, counsellor: "c-follow");
        using var counsellor = system.Counsellor(school, "c-follow");
        var assigned = await counsellor.Post($"/api/wellbeing/children/{id}/care-categories", new { category = "LeftBehindChild", source = "CivilAffairs" }, etag);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await counsellor.Post($"/api/wellbeing/children/{id}/care-categories",
            new { category = "LeftBehindChild", source = "School" }, assigned.ETag())).StatusCode);

        var checks = system.Services("wellbeing");
        var now = system.Clock.GetUtcNow();
        await checks.RunCheckAsync<FollowUpCheck>(now.AddDays(10));
        await checks.RunCheckAsync<FollowUpCheck>(now.AddDays(31));
        await checks.RunCheckAsync<FollowUpCheck>(now.AddDays(32));
        var listed = await (await counsellor.GetAsync("/api/wellbeing/children?category=LeftBehindChild")).ReadJson();
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("studentId").GetGuid());
        Assert.Equal(0, (await (await counsellor.GetAsync("/api/wellbeing/children?category=MigrantChild")).ReadJson()).GetProperty("total").GetInt32());
        var alerts = await (await counsellor.GetAsync($"/api/wellbeing/alerts?studentId={id}&kind=FollowUpMissed")).ReadJson();
        Assert.Equal("LeftBehindChild", Assert.Single(alerts.GetProperty("items").EnumerateArray()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_hospital_that_left_the_alliance_is_no_longer_referred_to()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school);
        await system.PublishAsync(new MemberLeft(school.AllianceId, school.HospitalId, DateTimeOffset.UtcNow));
        await Eventually.Until(async () =>
        {
            await using var q = system.Store.QuerySession();
            return (await q.LoadAsync<KnownMembership>(KnownMembership.IdOf(school.AllianceId, school.HospitalId)))!.Active;
        }, active => !active);
        var refused = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = school.HospitalId, urgency = "Urgent", reason = "r" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("unit-not-medical-member", (await refused.ReadJson()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_dissolved_alliance_ends_every_membership_of_it()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school);
        await system.PublishAsync(new AllianceDissolved(school.AllianceId, school.County, "合并", DateTimeOffset.UtcNow));
        await Eventually.Until(async () =>
        {
            await using var q = system.Store.QuerySession();
            return await q.Query<KnownMembership>().CountAsync(m => m.AllianceId == school.AllianceId && m.Active);
        }, n => n == 0);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post("/api/wellbeing/referrals",
            new { studentId = child, unitId = school.HospitalId, urgency = "Routine", reason = "r" })).StatusCode);
    }

    [Fact]
    public async Task Writes_need_if_match_and_reads_answer_304_when_unchanged()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.Put($"/api/wellbeing/children/{id}/counsellor", new { counsellor = "c9" })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.Put($"/api/wellbeing/children/{id}/counsellor", new { counsellor = "c9" }, "\"9\"")).StatusCode);
        var assigned = await admin.Put($"/api/wellbeing/children/{id}/counsellor", new { counsellor = "c9" }, etag);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/wellbeing/children/{id}?purpose=Care");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", assigned.ETag());
        Assert.Equal(HttpStatusCode.NotModified, (await admin.SendAsync(conditional)).StatusCode);
    }

    [Fact]
    public async Task A_counsellors_call_starts_a_crisis_and_the_chain_reaches_the_county()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, _) = await admin.RecordChild(school, counsellor: "c-call");
        using var counsellor = system.Counsellor(school, "c-call");
        using var teacher = system.Client(Role.Teacher, school.County, school.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.Post("/api/wellbeing/crises", new { studentId = id })).StatusCode);
        var started = await counsellor.Post("/api/wellbeing/crises", new { studentId = id });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var crisisId = (await started.ReadJson()).GetProperty("id").GetGuid();

        var ack = await counsellor.Post($"/api/wellbeing/crises/{crisisId}/acknowledge", new { level = "Counsellor" }, started.ETag());
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var checks = system.Services("wellbeing");
        var now = system.Clock.GetUtcNow();
        await checks.RunCheckAsync<CrisisEscalationCheck>(now.AddMinutes(16)); // principal silent -> guardian
        await checks.RunCheckAsync<CrisisEscalationCheck>(now.AddMinutes(32)); // guardian silent -> county
        using var county = system.Client(Role.CountyAdmin, school.County);
        var crisis = await county.GetAsync($"/api/wellbeing/crises/{crisisId}");
        Assert.Equal(HttpStatusCode.OK, crisis.StatusCode);
        var levels = (await crisis.ReadJson()).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("level").GetString()!).ToArray();
        Assert.Equal(["Counsellor", "Principal", "Guardian", "County"], levels);
        var countyAck = await county.Post($"/api/wellbeing/crises/{crisisId}/acknowledge", new { level = "County" }, crisis.ETag());
        Assert.Equal(HttpStatusCode.OK, countyAck.StatusCode);
        var countyAlerts = await (await county.GetAsync($"/api/wellbeing/alerts?studentId={id}&kind=CrisisLevel")).ReadJson();
        Assert.Equal(4, countyAlerts.GetProperty("total").GetInt32());
    }
}
