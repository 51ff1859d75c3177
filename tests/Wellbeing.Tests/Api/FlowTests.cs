using System.Net;
using System.Text;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.TestKit;
using JiaoLianTi.Wellbeing.Protection;
using JiaoLianTi.Wellbeing.Retention;
using Marten;
using Npgsql;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

[Collection(SystemCollection.Name)]
public sealed class ScreeningImportTests(WellbeingSystem system)
{
    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task Valid_rows_are_kept_bad_rows_listed_and_a_counsellor_alerted_once_per_tier_change()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (a, _) = await admin.RecordChild(school, counsellor: "c-csv");
        var (b, _) = await admin.RecordChild(school, counsellor: "c-csv");
        var today = system.Today.ToString("yyyy-MM-dd");
        var csv = $"studentId,score,takenOn\n{a},12,{today}\n{a},13,{today}\nnot-a-guid,5,{today}\n{b},abc,{today}\n{Guid.NewGuid()},3,{today}\n{b},2,{today}\n";

        var response = await admin.PostAsync($"/api/wellbeing/screenings/rounds?schoolId={school.Id}", Csv(csv));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJson();
        Assert.Equal(3, report.GetProperty("accepted").GetInt32());
        Assert.Equal(3, report.GetProperty("rejected").GetInt32());
        Assert.Equal(1, report.GetProperty("tierChanges").GetInt32());
        var rows = report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()).ToArray();
        Assert.Equal([3, 4, 5], rows);

        using var counsellor = system.Counsellor(school, "c-csv");
        var alerts = await (await counsellor.GetAsync($"/api/wellbeing/alerts?studentId={a}")).ReadJson();
        Assert.Equal(1, alerts.GetProperty("total").GetInt32());
        var child = await (await admin.GetAsync($"/api/wellbeing/children/{a}?purpose=Screening")).ReadJson();
        Assert.Equal(13, child.GetProperty("lastScore").GetInt32());
    }

    [Theory]
    [InlineData("name,score\nx,1\n")]
    [InlineData("studentId,score,takenOn\n")]
    [InlineData("studentId,score,takenOn\nnot-a-guid,1,2020-01-01\n")]
    public async Task A_malformed_csv_is_a_400_and_nothing_is_appended(string csv)
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        await using var q = system.Store.QuerySession();
        var before = await q.Events.QueryAllRawEvents().CountAsync();
        var response = await admin.PostAsync($"/api/wellbeing/screenings/rounds?schoolId={school.Id}", Csv(csv));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var q2 = system.Store.QuerySession();
        Assert.Equal(before, await q2.Events.QueryAllRawEvents().CountAsync());
    }
}

[Collection(SystemCollection.Name)]
public sealed class ReferralAndPlanTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_referral_goes_only_to_a_medical_member_of_the_schools_alliance_and_runs_to_return()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school);

        foreach (var unit in new[] { school.OutsideHospitalId, school.CommunityId, Guid.NewGuid() })
        {
            var refused = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = unit, urgency = "Routine", reason = "持续失眠" });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }
        await using (var q = system.Store.QuerySession())
        {
            Assert.Equal(0, await q.Query<Referrals.Referral>().CountAsync(r => r.StudentId == child));
        }

        var made = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = school.HospitalId, urgency = "Routine", reason = "持续失眠" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var id = (await made.ReadJson()).GetProperty("referralId").GetGuid();

        using var officer = system.Client(Role.MemberOfficer, school.County, memberUnitId: school.HospitalId);
        using var otherOfficer = system.Client(Role.MemberOfficer, school.County, memberUnitId: school.OutsideHospitalId);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOfficer.Post($"/api/wellbeing/referrals/{id}/accept", new { }, made.ETag())).StatusCode);
        Assert.Equal("测试医院", (await made.ReadJson()).GetProperty("unitName").GetString());
        var accepted = await officer.Post($"/api/wellbeing/referrals/{id}/accept", new { }, made.ETag());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // The command's answer names the unit, as the list does (it was null: a screen showing it had only an id).
        Assert.Equal("测试医院", (await accepted.ReadJson()).GetProperty("unitName").GetString());
        var view = await officer.GetAsync($"/api/wellbeing/referrals/{id}?purpose=Referral");
        Assert.Equal("持续失眠", (await view.ReadJson()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOfficer.GetAsync($"/api/wellbeing/referrals/{id}?purpose=Referral")).StatusCode);
        var log = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={child}&refused=false")).ReadJson();
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal(("Referral", "MemberOfficer", id), (entry.GetProperty("resource").GetString(), entry.GetProperty("readerRole").GetString(), entry.GetProperty("resourceId").GetGuid()));
        // The other hospital's refused read is recorded as an attempt.
        var attempt = Assert.Single((await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={child}&refused=true")).ReadJson())
            .GetProperty("items").EnumerateArray());
        Assert.Equal(("Referral", "MemberOfficer", id, true), (attempt.GetProperty("resource").GetString(), attempt.GetProperty("readerRole").GetString(),
            attempt.GetProperty("resourceId").GetGuid(), attempt.GetProperty("refused").GetBoolean()));

        // Overdue: the appointment step past its SLA is alerted once, however often the check runs.
        var later = system.Clock.GetUtcNow().AddDays(8);
        // (Other tests' referrals in the shared store may be overdue too: the count is checked for this school's alerts.)
        Assert.True(await system.Services("wellbeing").RunCheckAsync<ReferralOverdueCheck>(later) >= 1);
        await system.Services("wellbeing").RunCheckAsync<ReferralOverdueCheck>(later.AddHours(1));
        var overdue = await (await admin.GetAsync($"/api/wellbeing/alerts?kind=ReferralOverdue")).ReadJson();
        Assert.Equal("Appointment", Assert.Single(overdue.GetProperty("items").EnumerateArray()).GetProperty("code").GetString());

        var today = system.Today;
        var etag = (await admin.GetAsync($"/api/wellbeing/referrals/{id}?purpose=Referral")).ETag();
        var seen = await officer.Post($"/api/wellbeing/referrals/{id}/seen", new { seenOn = today }, etag);
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        var returned = await admin.Post($"/api/wellbeing/referrals/{id}/return", new { returnOn = today, reEntryPlan = "每周两次心理辅导" }, seen.ETag());
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        var answer = await returned.ReadJson();
        Assert.Equal("Returned", answer.GetProperty("status").GetString());
        Assert.Equal("测试医院", answer.GetProperty("unitName").GetString());
    }

    [Fact]
    public async Task A_plan_runs_open_review_closed_and_a_review_dated_before_the_plan_is_a_409()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school);
        var notMember = await admin.Post("/api/wellbeing/plans", new { studentId = child, schoolParty = "c1", familyParty = "张大明", communityUnitId = school.OutsideHospitalId, goals = new[] { "恢复上学" } });
        Assert.Equal(HttpStatusCode.Conflict, notMember.StatusCode);

        var opened = await admin.Post("/api/wellbeing/plans", new { studentId = child, schoolParty = "c1", familyParty = "张大明", communityUnitId = school.CommunityId, goals = new[] { "恢复上学", "改善睡眠" } });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var id = (await opened.ReadJson()).GetProperty("planId").GetGuid();
        var today = system.Today;

        var measure = await admin.Post($"/api/wellbeing/plans/{id}/measures", new { description = "每周家访", owner = "Family", dueOn = today.AddDays(14) }, opened.ETag());
        Assert.Equal(HttpStatusCode.OK, measure.StatusCode);
        var early = await admin.Post($"/api/wellbeing/plans/{id}/reviews", new { reviewedOn = today.AddDays(-3), notes = "早" }, measure.ETag());
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("review-before-plan", (await early.ReadJson()).GetProperty("code").GetString());
        Assert.Equal(measure.ETag(), (await admin.GetAsync($"/api/wellbeing/plans/{id}?purpose=SupportPlan")).ETag()); // nothing appended
        var underReview = await admin.Post($"/api/wellbeing/plans/{id}/review", new { }, measure.ETag());
        Assert.Equal(HttpStatusCode.OK, underReview.StatusCode);
        var reviewed = await admin.Post($"/api/wellbeing/plans/{id}/reviews", new { reviewedOn = today, notes = "进展良好" }, underReview.ETag());
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        var closed = await admin.Post($"/api/wellbeing/plans/{id}/close", new { outcome = "GoalsMet" }, reviewed.ETag());
        Assert.Equal("Closed", (await closed.ReadJson()).GetProperty("status").GetString());

        var plan = await (await admin.GetAsync($"/api/wellbeing/plans/{id}?purpose=SupportPlan")).ReadJson();
        Assert.Equal("张大明", plan.GetProperty("familyParty").GetString());
        Assert.Equal("进展良好", plan.GetProperty("reviews")[0].GetProperty("notes").GetString());
    }

    [Fact]
    public async Task Support_requested_by_campus_safety_opens_a_plan_proposal_once()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        // No plan without a record and consent (issue 12): the school has recorded the child with consent.
        var (student, _) = await admin.RecordChild(school);
        var request = new SupportRequested(Guid.NewGuid(), student, school.Id, school.County, "BullyingTarget", DateTimeOffset.UtcNow);
        await system.PublishAsync(request);
        await system.PublishAsync(request, Guid.NewGuid());
        var page = await Eventually.Until(async () => await (await admin.GetAsync($"/api/wellbeing/plans?studentId={request.StudentId}")).ReadJson(),
            p => p.GetProperty("total").GetInt32() > 0);
        await Task.Delay(500);
        page = await (await admin.GetAsync($"/api/wellbeing/plans?studentId={request.StudentId}")).ReadJson();
        var plan = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("Proposed", plan.GetProperty("status").GetString());
        Assert.Equal("BullyingTarget", plan.GetProperty("reason").GetString());
        Assert.Equal(request.RequestId, plan.GetProperty("planId").GetGuid());

        // The school's counsellor takes the proposal up with the three parties.
        var etag = (await admin.GetAsync($"/api/wellbeing/plans/{request.RequestId}?purpose=SupportPlan")).ETag();
        var opened = await admin.Post($"/api/wellbeing/plans/{request.RequestId}/open",
            new { schoolParty = "c-bully", familyParty = "家长", communityUnitId = school.CommunityId, goals = new[] { "安全感" } }, etag);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("Open", (await opened.ReadJson()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post($"/api/wellbeing/plans/{request.RequestId}/open",
            new { schoolParty = "c-bully", familyParty = "家长", communityUnitId = school.CommunityId, goals = new[] { "安全感" } }, opened.ETag())).StatusCode);
    }
}

[Collection(SystemCollection.Name)]
public sealed class ErasureTests(WellbeingSystem system)
{
    /// <summary>Every stored row of the event table and of every document table, as text.</summary>
    private async Task<List<string>> AllStoredRows()
    {
        await using var connection = new NpgsqlConnection(system.Setting("ConnectionStrings:wellbeingdb"));
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select table_name from information_schema.tables where table_schema = 'jlt' and (table_name = 'mt_events' or table_name like 'mt_doc_%')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        Assert.Contains("mt_events", tables);
        Assert.Contains("mt_doc_child", tables);
        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"select t::text from jlt.{table} t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        }
        return rows;
    }

    private async Task<(List<string> Rows, List<string> Ciphers)> StoredRowsMentioning(Guid studentId)
    {
        var rows = (await AllStoredRows()).Where(r => r.Contains(studentId.ToString())).ToList();
        var ciphers = rows.SelectMany(r => System.Text.RegularExpressions.Regex.Matches(r, "\"+cipher\"+: ?\"+([A-Za-z0-9+/=]+)").Select(m => m.Groups[1].Value)).ToList();
        return (rows, ciphers);
    }

    private async Task<int> KeysOf(Guid studentId)
    {
        await using var q = system.Store.QuerySession();
        return await q.Query<PersonKey>().CountAsync(k => k.PersonId == studentId);
    }

    [Fact]
    public async Task Erasing_a_child_shreds_every_sealed_field_on_the_stored_rows_and_keeps_the_streams()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var marker = $"Nana{Guid.NewGuid():N}";
        var name = $"欧阳娜娜{marker}";
        var (id, _) = await admin.RecordChild(school, name);
        var plan = await admin.Post("/api/wellbeing/plans", new { studentId = id, schoolParty = "c1", familyParty = "欧阳监护人", communityUnitId = school.CommunityId, goals = new[] { "目标" } });
        Assert.Equal(HttpStatusCode.Created, plan.StatusCode);

        var (before, ciphersBefore) = await StoredRowsMentioning(id);
        Assert.NotEmpty(ciphersBefore);
        Assert.DoesNotContain(before, r => r.Contains("欧阳监护人") || r.Contains("三年级二班") || r.Contains("2015-03-01"));
        // No plaintext name in any row of any table, whoever's row it is.
        Assert.DoesNotContain(await AllStoredRows(), r => r.Contains(marker) || r.Contains("欧阳娜娜"));
        Assert.Equal(2, await KeysOf(id));
        var eventsBefore = before.Count(r => r.Contains("\"studentId\""));

        var etag = (await admin.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).ETag();
        var erased = await admin.Post($"/api/wellbeing/children/{id}/erasure", new { reason = "PurposeEnded" }, etag);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        // The keys are gone from their table, the events are all still there, and no stored ciphertext opens any more:
        // not with any key still in the vault, and the child's own keys no longer exist to try.
        Assert.Equal(0, await KeysOf(id));
        var (after, ciphersAfter) = await StoredRowsMentioning(id);
        Assert.True(after.Count(r => r.Contains("\"studentId\"")) >= eventsBefore);
        Assert.DoesNotContain(await AllStoredRows(), r => r.Contains(marker));
        Assert.Contains(ciphersBefore, c => ciphersAfter.Contains(c));
        var master = (IMasterKey)system.Services("wellbeing").GetService(typeof(IMasterKey))!;
        await using (var q = system.Store.QuerySession())
        {
            var remaining = await q.Query<PersonKey>().Take(200).ToListAsync();
            foreach (var cipher in ciphersBefore)
            {
                var bytes = Convert.FromBase64String(cipher);
                foreach (var stored in remaining)
                {
                    var key = PersonalDataVault.Unwrap(master, stored);
                    Assert.Null(Aead.Decrypt(key, bytes, id.ToByteArray()));
                }
            }
        }

        var read = await (await admin.GetAsync($"/api/wellbeing/children/{id}?purpose=Care")).ReadJson();
        Assert.True(read.GetProperty("erased").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("details").ValueKind);
        var planView = await (await admin.GetAsync($"/api/wellbeing/plans/{(await plan.ReadJson()).GetProperty("planId").GetGuid()}?purpose=SupportPlan")).ReadJson();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, planView.GetProperty("familyParty").ValueKind);
    }

    [Fact]
    public async Task A_guardian_withdrawing_consent_erases_the_record()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school);
        using var parent = system.Client(new TokenRequest(Role.Parent, school.County, Children: [id]));
        var withdrawn = await parent.Post($"/api/wellbeing/children/{id}/consent", new { status = "Withdrawn", guardian = "张大明" }, etag);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.True((await withdrawn.ReadJson()).GetProperty("erased").GetBoolean());
        Assert.Equal(0, await KeysOf(id));
    }

    [Fact]
    public async Task Retention_erases_what_has_outlived_its_period_and_only_that()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, _) = await admin.RecordChild(school);
        var checks = system.Services("wellbeing");
        var now = system.Clock.GetUtcNow();

        await checks.RunCheckAsync<RetentionCheck>(now.AddDays(365));
        await using (var q = system.Store.QuerySession())
        {
            Assert.False((await q.LoadAsync<Children.Child>(id))!.Erased);
        }
        Assert.True(await checks.RunCheckAsync<RetentionCheck>(now.AddDays(3 * 365 + 1)) >= 1);
        await using (var q = system.Store.QuerySession())
        {
            var child = (await q.LoadAsync<Children.Child>(id))!;
            Assert.True(child.Erased);
            Assert.Equal(Children.ErasureReason.RetentionExpired, child.ErasedFor);
        }
        Assert.Equal(0, await KeysOf(id));
        var again = await checks.RunCheckAsync<RetentionCheck>(now.AddDays(3 * 365 + 1));
        await using (var q = system.Store.QuerySession())
        {
            Assert.Equal(1, (await q.Events.FetchStreamAsync(id)).Count(e => e.Data is Children.ChildErased));
        }
    }
}
