using System.Net;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>校园欺凌防治: need-to-know, every read recorded with its reason, the target referred to Wellbeing by id only.</summary>
[Collection(SystemCollection.Name)]
public sealed class BullyingCaseTests(CampusSafetySystem system)
{
    private const string Cases = "/api/campussafety/bullying-cases";

    private static object Report(Guid schoolId, Guid target, Guid initiator, bool anonymous = false) => new
    {
        schoolId, grade = 5, anonymous, summary = "课间在走廊多次推搡、辱骂",
        parties = new object[] { new { studentId = target, role = "Target" }, new { studentId = initiator, role = "Initiator" } },
    };

    private static string Read(string path, string reason = "调查取证 / investigation") => $"{path}?reason={Uri.EscapeDataString(reason)}";

    [Fact]
    public async Task A_reported_case_opens_with_grade_only_and_refers_the_target_to_wellbeing_by_id()
    {
        var world = await system.SchoolWithAlliance();
        await using var opened = await BrokerProbe.BindAsync(system, typeof(BullyingCaseOpened));
        await using var support = await BrokerProbe.BindAsync(system, typeof(SupportRequested));
        using var teacher = system.Staff(world, Role.Teacher);
        var (target, initiator) = (Guid.NewGuid(), Guid.NewGuid());

        var created = await teacher.Post(Cases, Report(world.SchoolId, target, initiator));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var summary = await created.ReadJson();
        Assert.False(summary.TryGetProperty("parties", out _));
        Assert.False(summary.TryGetProperty("summary", out _));
        var open = await opened.WaitFor(m => m.GetProperty("caseId").GetGuid() == summary.Id());
        Assert.Equal(5, open!.Value.GetProperty("grade").GetInt32());
        var referral = await support.WaitFor(m => m.GetProperty("studentId").GetGuid() == target);
        Assert.Equal("BullyingTarget", referral!.Value.Str("reason"));
        Assert.Null(await support.WaitFor(m => m.GetProperty("studentId").GetGuid() == initiator, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Only_the_schools_admins_and_the_assigned_counsellor_read_a_case_and_every_read_is_recorded()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world, "admin-chen");
        var created = await admin.Post(Cases, Report(world.SchoolId, Guid.NewGuid(), Guid.NewGuid()));
        var path = created.Headers.Location!.ToString();
        using var counsellor = system.Staff(world, Role.Counsellor, "counsellor-liu");
        using var otherCounsellor = system.Staff(world, Role.Counsellor);
        using var teacher = system.Staff(world, Role.Teacher);
        using var county = system.CountyAdmin(world);

        await (await admin.GetAsync(path)).AssertProblem(HttpStatusCode.BadRequest, "reason");
        var read = await admin.GetAsync(Read(path));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(2, (await read.ReadJson()).GetProperty("parties").GetArrayLength());

        foreach (var outsider in new[] { counsellor, otherCounsellor, teacher, county })
        {
            await (await outsider.GetAsync(Read(path))).AssertProblem(HttpStatusCode.NotFound);
        }

        var assigned = await admin.Post($"{path}/counsellor", await Version(admin, path), new { counsellor = "counsellor-liu" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, path);
        withHeader.Headers.Add("X-Access-Reason", "counselling session");
        Assert.Equal(HttpStatusCode.OK, (await counsellor.SendAsync(withHeader)).StatusCode);
        // The list names the school beside its id (README), from the replica of Alliances' facts.
        Assert.Equal("实验小学", Assert.Single((await (await counsellor.GetAsync(Cases)).ReadJson()).Items()).Str("schoolName"));
        await (await otherCounsellor.GetAsync(Read(path))).AssertProblem(HttpStatusCode.NotFound);
        // The assigned counsellor is a person at the case's school: the same subject on another school's token is not them.
        using var impostor = system.Client(new TokenRequest(Role.Counsellor, world.County, Guid.NewGuid(), null, Subject: "counsellor-liu"));
        await (await impostor.GetAsync(Read(path))).AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty((await (await impostor.GetAsync(Cases)).ReadJson()).Items());

        var log = await (await admin.GetAsync($"{path}/reads")).ReadJson();
        var reads = log.Items().Where(r => !r.GetProperty("refused").GetBoolean()).ToList();
        Assert.Equal(3, reads.Count); // two by the admin (one of them for the If-Match), one by the counsellor
        // The six refused tries (four outsiders, the other counsellor again, the impostor) are on record as attempts.
        var attempts = log.Items().Where(r => r.GetProperty("refused").GetBoolean()).ToList();
        Assert.Equal(6, attempts.Count);
        Assert.Equal(2, attempts.Count(r => r.Str("readerRole") == "Counsellor" && r.Str("reader") != "counsellor-liu"));
        Assert.Contains(reads, r => r.Str("reader") == "counsellor-liu" && r.Str("reason") == "counselling session" && r.Str("readerRole") == "Counsellor");
        Assert.Contains(reads, r => r.Str("reader") == "admin-chen" && r.Str("reason") == "调查取证 / investigation");
        await (await counsellor.GetAsync($"{path}/reads")).AssertProblem(HttpStatusCode.Forbidden);
        await (await teacher.GetAsync(Cases)).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_case_cannot_close_without_a_determination_nor_as_bullying_without_measures()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var created = await admin.Post(Cases, Report(world.SchoolId, Guid.NewGuid(), Guid.NewGuid()));
        var path = created.Headers.Location!.ToString();
        var etag = created.Headers.ETag!;

        await (await admin.Post($"{path}/close", etag)).AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(etag.Tag, (await Version(admin, path)).Tag);

        await (await admin.Post($"{path}/determination", etag, new { findings = "查实" })).AssertProblem(HttpStatusCode.BadRequest, "isBullying");
        var determined = await admin.Post($"{path}/determination", etag, new { isBullying = true, findings = "经调查，构成欺凌" });
        Assert.Equal(HttpStatusCode.OK, determined.StatusCode);
        await (await admin.Post($"{path}/close", determined.Headers.ETag)).AssertProblem(HttpStatusCode.Conflict);

        var measured = await admin.Post($"{path}/measures", determined.Headers.ETag, new { description = "批评教育、家长约谈、调整座位" });
        Assert.Equal(HttpStatusCode.OK, measured.StatusCode);
        var closed = await admin.Post($"{path}/close", measured.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Closed", (await closed.ReadJson()).Str("status"));
    }

    [Fact]
    public async Task An_anonymous_report_keeps_no_reporter_and_a_report_to_another_school_is_refused()
    {
        var world = await system.SchoolWithAlliance();
        var other = await system.SchoolWithAlliance(world.County);
        using var parent = system.Staff(world, Role.Parent);
        using var admin = system.SchoolAdmin(world);

        var created = await parent.Post(Cases, Report(world.SchoolId, Guid.NewGuid(), Guid.NewGuid(), anonymous: true));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var @case = await (await admin.GetAsync(Read(created.Headers.Location!.ToString()))).ReadJson();
        Assert.True(@case.GetProperty("anonymous").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, @case.GetProperty("reportedBy").ValueKind);
        await (await parent.GetAsync(Read(created.Headers.Location!.ToString()))).AssertProblem(HttpStatusCode.NotFound);

        await (await parent.Post(Cases, Report(other.SchoolId, Guid.NewGuid(), Guid.NewGuid()))).AssertProblem(HttpStatusCode.Forbidden);
        await (await parent.Post(Cases, new { schoolId = world.SchoolId, grade = 13, summary = "x" })).AssertProblem(HttpStatusCode.BadRequest, "grade");
        using var otherAdmin = system.SchoolAdmin(other);
        Assert.Equal(0, (await (await otherAdmin.GetAsync(Cases)).ReadJson()).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Cases_not_determined_within_the_investigation_period_are_listed_as_overdue()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Marten.IDocumentStore>(system.CampusSafety);
        var old = system.Clock.GetUtcNow().AddDays(-11);
        var overdueId = Guid.NewGuid();
        // Given: a case reported eleven days ago (as the service itself would have appended it), and one today.
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Bullying.BullyingCase>(overdueId, new Bullying.BullyingCaseReported(
                overdueId, world.SchoolId, world.County, 3, "x", false, "t", old.AddDays(10), old));
            await session.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.Created, (await admin.Post(Cases, Report(world.SchoolId, Guid.NewGuid(), Guid.NewGuid()))).StatusCode);

        var overdue = (await (await admin.GetAsync($"{Cases}?investigationOverdue=true")).ReadJson()).Items();

        Assert.Equal(overdueId, Assert.Single(overdue).Id());
        Assert.Equal(2, (await (await admin.GetAsync(Cases)).ReadJson()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_narrative_is_sealed_at_rest_and_erasing_the_key_erases_it_for_good()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var created = await admin.Post(Cases, new
        {
            schoolId = world.SchoolId, grade = 6, summary = "张某某在厕所被多次勒索零花钱",
            parties = new[] { new { studentId = Guid.NewGuid(), role = "Target" } },
        });
        var path = created.Headers.Location!.ToString();
        var caseId = Guid.Parse(path.Split('/')[^1]);
        var determined = await admin.Post($"{path}/determination", created.Headers.ETag, new { isBullying = true, findings = "勒索属实" });
        var measured = await admin.Post($"{path}/measures", determined.Headers.ETag, new { description = "训诫并通知家长" });

        // At rest: the events hold sealed text only.
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Marten.IDocumentStore>(system.CampusSafety);
        await using (var query = store.QuerySession())
        {
            var stored = System.Text.Json.JsonSerializer.Serialize((await query.Events.FetchStreamAsync(caseId)).Select(e => e.Data).ToList());
            Assert.DoesNotContain("勒索", stored);
            Assert.DoesNotContain("训诫", stored);
        }
        var read = await (await admin.GetAsync(Read(path))).ReadJson();
        Assert.Equal("张某某在厕所被多次勒索零花钱", read.Str("summary"));
        Assert.Equal("勒索属实", read.Str("findings"));
        Assert.Equal("训诫并通知家长", read.GetProperty("measures")[0].Str("description"));

        await (await admin.Post($"{path}/erase", measured.Headers.ETag)).AssertProblem(HttpStatusCode.Conflict);
        var closed = await admin.Post($"{path}/close", measured.Headers.ETag);
        var erased = await admin.Post($"{path}/erase", closed.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        var after = await (await admin.GetAsync(Read(path))).ReadJson();
        Assert.True(after.GetProperty("erased").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("summary").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("findings").ValueKind);
        Assert.Equal("", after.GetProperty("measures")[0].Str("description"));
        Assert.Equal(1, after.GetProperty("parties").GetArrayLength());
        await (await admin.Post($"{path}/erase", erased.Headers.ETag)).AssertProblem(HttpStatusCode.Conflict);
    }

    private static async Task<System.Net.Http.Headers.EntityTagHeaderValue> Version(HttpClient client, string path)
    {
        var response = await client.GetAsync(Read(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!;
    }
}
