using System.Net;
using System.Text.Json;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

/// <summary>No plan without a record and consent: CampusSafety's request waits for the school to record the child.</summary>
[Collection(SystemCollection.Name)]
public sealed class ProposalWaitsForRecordTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_proposal_for_an_unrecorded_child_waits_asks_the_school_and_opens_once_the_child_is_recorded()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var request = new SupportRequested(Guid.NewGuid(), Guid.NewGuid(), school.Id, school.County, "BullyingTarget", DateTimeOffset.UtcNow);
        await system.PublishAsync(request);

        var page = await Eventually.Until(async () => await (await admin.GetAsync($"/api/wellbeing/plans?studentId={request.StudentId}")).ReadJson(),
            p => p.GetProperty("total").GetInt32() > 0);
        Assert.Equal("AwaitingRecord", Assert.Single(page.Items()).Str("status"));
        var alerts = await (await admin.GetAsync($"/api/wellbeing/alerts?kind=RecordNeeded&studentId={request.StudentId}")).ReadJson();
        Assert.Equal(request.RequestId, Assert.Single(alerts.Items()).GetProperty("subjectId").GetGuid());

        var planBody = new { schoolParty = "c-wait", familyParty = "家长", communityUnitId = school.CommunityId, goals = new[] { "安全感" } };
        var etag = (await admin.GetAsync($"/api/wellbeing/plans/{request.RequestId}?purpose=SupportPlan")).ETag();
        var refused = await admin.Post($"/api/wellbeing/plans/{request.RequestId}/open", planBody, etag);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("child-not-recorded", (await refused.ReadJson()).Str("code"));
        Assert.Equal(etag, (await admin.GetAsync($"/api/wellbeing/plans/{request.RequestId}?purpose=SupportPlan")).ETag());
        var direct = await admin.Post("/api/wellbeing/plans", new { studentId = request.StudentId, schoolParty = "c-wait", familyParty = "家长",
            communityUnitId = school.CommunityId, goals = new[] { "安全感" } });
        Assert.Equal(HttpStatusCode.Conflict, direct.StatusCode);

        // The school records the child with the guardian's consent: the proposal is proposed in the same step.
        var recorded = await admin.Post("/api/wellbeing/children", new
        {
            studentId = request.StudentId, schoolId = school.Id, name = "李小华", dateOfBirth = new DateOnly(2014, 5, 1), className = "六年级一班",
            guardians = new[] { new { name = "李大华", relation = "母亲", phone = "13900000000" } }, consent = "Given", consentGivenBy = "李大华",
        });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var proposed = await admin.GetAsync($"/api/wellbeing/plans/{request.RequestId}?purpose=SupportPlan");
        Assert.Equal("Proposed", (await proposed.ReadJson()).Str("status"));
        var opened = await admin.Post($"/api/wellbeing/plans/{request.RequestId}/open", planBody, proposed.ETag());
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("Open", (await opened.ReadJson()).Str("status"));
    }
}

/// <summary>Referrals a hospital can act on: step deadlines, and the guardian's contact under a grant of the referral.</summary>
[Collection(SystemCollection.Name)]
public sealed class ReferralContactTests(WellbeingSystem system)
{
    [Fact]
    public async Task The_receiving_hospital_reads_only_the_guardians_contact_while_the_referral_runs_and_each_read_is_recorded()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school, "王小丽");
        var made = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = school.HospitalId, urgency = "Priority", reason = "持续失眠" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var summary = await made.ReadJson();
        var id = summary.GetProperty("referralId").GetGuid();
        var madeAt = summary.GetProperty("madeAt").GetDateTimeOffset();
        var steps = summary.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["Acceptance", "Appointment", "Return"], steps.Select(s => s.Str("step")));
        Assert.Equal(madeAt.AddDays(1), steps[0].GetProperty("dueAt").GetDateTimeOffset()); // priority: half of 2 days
        Assert.False(steps[0].GetProperty("overdue").GetBoolean());
        Assert.Equal(JsonValueKind.Null, steps[1].GetProperty("dueAt").ValueKind);

        using var officer = system.Client(new TokenRequest(Role.MemberOfficer, school.County, MemberUnitId: school.HospitalId, Subject: $"doctor-{id:N}"));
        using var otherOfficer = system.Client(Role.MemberOfficer, school.County, memberUnitId: school.OutsideHospitalId);
        var contact = await officer.GetAsync($"/api/wellbeing/referrals/{id}/contact?purpose=Referral");
        Assert.Equal(HttpStatusCode.OK, contact.StatusCode);
        var body = await contact.ReadJson();
        Assert.Equal("王小丽", body.Str("childName"));
        Assert.Equal("13800000000", body.GetProperty("guardians")[0].Str("phone"));
        var raw = body.ToString();
        Assert.DoesNotContain("三年级二班", raw); // the class, the tier, the screening: not the hospital's
        Assert.DoesNotContain("tier", raw, StringComparison.OrdinalIgnoreCase);
        var grantId = body.GetProperty("grantId").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOfficer.GetAsync($"/api/wellbeing/referrals/{id}/contact?purpose=Referral")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"/api/wellbeing/referrals/{id}/contact?purpose=Referral")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync($"/api/wellbeing/referrals/{id}/contact")).StatusCode);
        // The officer's grant to the referral is not a grant to the child's record.
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync($"/api/wellbeing/children/{child}?purpose=Referral")).StatusCode);

        var log = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={child}&reader=doctor-{id:N}&refused=false")).ReadJson();
        var entry = Assert.Single(log.Items());
        Assert.Equal("ReferralContact", entry.Str("resource"));
        Assert.Equal(grantId, entry.GetProperty("grantId").GetGuid());
        // The officer's refused try at the child's record is on record as an attempt.
        var attempts = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={child}&reader=doctor-{id:N}&refused=true")).ReadJson();
        Assert.Equal("ChildRecord", Assert.Single(attempts.Items()).Str("resource"));

        // The grant ends with the child's return to school.
        var today = system.Today;
        var accepted = await officer.Post($"/api/wellbeing/referrals/{id}/accept", new { }, made.ETag());
        var seen = await officer.Post($"/api/wellbeing/referrals/{id}/seen", new { seenOn = today }, accepted.ETag());
        var returned = await admin.Post($"/api/wellbeing/referrals/{id}/return", new { returnOn = today, reEntryPlan = "每周辅导" }, seen.ETag());
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        var done = (await returned.ReadJson()).GetProperty("steps").EnumerateArray().ToList();
        Assert.All(done, s => Assert.NotEqual(JsonValueKind.Null, s.GetProperty("doneAt").ValueKind));
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync($"/api/wellbeing/referrals/{id}/contact?purpose=Referral")).StatusCode);
    }
}

/// <summary>Follow-ups show their next due date; the county and civil affairs see counts per school, never names.</summary>
[Collection(SystemCollection.Name)]
public sealed class FollowUpAndCareFigureTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_childs_next_follow_up_is_shown_in_the_record_and_the_list()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school);
        var assigned = await admin.Post($"/api/wellbeing/children/{id}/care-categories", new { category = "LeftBehindChild", source = "CivilAffairs" }, etag);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var record = await (await admin.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).ReadJson();
        var followUp = Assert.Single(record.GetProperty("followUps").EnumerateArray());
        var since = followUp.GetProperty("lastFollowUp").GetDateTimeOffset();
        Assert.Equal(since.AddDays(30), followUp.GetProperty("nextDueAt").GetDateTimeOffset());
        Assert.False(followUp.GetProperty("overdue").GetBoolean());
        var list = await (await admin.GetAsync($"/api/wellbeing/children?category=LeftBehindChild")).ReadJson();
        Assert.Equal(since.AddDays(30), list.Items().Single(c => c.GetProperty("studentId").GetGuid() == id).GetProperty("nextFollowUpDue").GetDateTimeOffset());
        Assert.Equal("测试学校", list.Items().Single(c => c.GetProperty("studentId").GetGuid() == id).Str("schoolName"));
    }

    [Fact]
    public async Task The_county_and_civil_affairs_see_counts_per_school_and_category_small_ones_suppressed()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var names = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var name = $"统计{i}号{Guid.NewGuid():N}"[..12];
            names.Add(name);
            var (id, etag) = await admin.RecordChild(school, name);
            var category = i < 5 ? "LeftBehindChild" : "MigrantChild";
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/wellbeing/children/{id}/care-categories", new { category, source = "CivilAffairs" }, etag)).StatusCode);
        }

        using var county = system.Client(Role.CountyAdmin, school.County);
        using var civilAffairs = system.Client(new TokenRequest(Role.DepartmentOfficer, school.County, Department: Department.CivilAffairs));
        foreach (var reader in new[] { county, civilAffairs })
        {
            var response = await reader.GetAsync("/api/wellbeing/figures/care-categories");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var raw = await response.Content.ReadAsStringAsync();
            var rows = JsonDocument.Parse(raw).RootElement.GetProperty("schools").EnumerateArray().Where(r => r.GetProperty("schoolId").GetGuid() == school.Id)
                .ToDictionary(r => r.Str("category"), r => r.Str("count"));
            Assert.Equal(new Dictionary<string, string> { ["LeftBehindChild"] = "5", ["MigrantChild"] = "<5" }, rows);
            Assert.All(names, n => Assert.DoesNotContain(n, raw));
            Assert.DoesNotContain("studentId", raw);
        }
        using var health = system.Client(new TokenRequest(Role.DepartmentOfficer, school.County, Department: Department.Health));
        Assert.Equal(HttpStatusCode.Forbidden, (await health.GetAsync("/api/wellbeing/figures/care-categories")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/wellbeing/figures/care-categories")).StatusCode);
        using var elsewhere = system.Client(Role.CountyAdmin, "510105");
        var other = await (await elsewhere.GetAsync("/api/wellbeing/figures/care-categories")).ReadJson();
        Assert.DoesNotContain(other.GetProperty("schools").EnumerateArray(), r => r.GetProperty("schoolId").GetGuid() == school.Id);
        Assert.Equal(HttpStatusCode.BadRequest, (await elsewhere.GetAsync("/api/wellbeing/figures/care-categories?county=510104")).StatusCode);
    }
}
