using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.CampusSafety.LegalVicePrincipals;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>警校共育 · 法治副校长: appointment, renewal, end, law lessons, bullying cases, the county's figures.</summary>
[Collection(SystemCollection.Name)]
public sealed class LegalVicePrincipalTests(CampusSafetySystem system)
{
    private const string Path = "/api/campussafety/legal-vice-principals";

    private DateOnly Today => DateOnly.FromDateTime(system.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    private object Appointment(SchoolWorld world, Guid unit, string subject, int years = 3, DateOnly? startsOn = null) => new
    {
        schoolId = world.SchoolId, unitId = unit, name = "王警官", position = "城关派出所副所长", subject, startsOn = startsOn ?? Today, years,
    };

    /// <summary>A procuratorate joins the school's alliance (as Alliances would announce it).</summary>
    private async Task<Guid> ProcuratorateJoins(SchoolWorld world)
    {
        var unit = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new MemberUnitRegistered(unit, MemberUnitKinds.Procuratorate, "区人民检察院", world.County, now));
        await system.PublishAsync(new MemberJoined(world.AllianceId, unit, MemberUnitKinds.Procuratorate, world.County, "Member", now.AddSeconds(1)));
        await using var store = system.CampusSafety.GetRequiredService<IDocumentStore>().QuerySession();
        await Eventually.Until(() => store.Query<Platform.AlliancesReplica.KnownMembership>().CountAsync(m => m.UnitId == unit && m.Active), n => n == 1);
        return unit;
    }

    private async Task<int> AppointmentsOf(Guid schoolId)
    {
        await using var q = system.CampusSafety.GetRequiredService<IDocumentStore>().QuerySession();
        return await q.Query<LegalVicePrincipal>().CountAsync(a => a.SchoolId == schoolId);
    }

    [Fact]
    public async Task The_county_appoints_renews_and_the_unit_ends_an_appointment_and_its_end_leaves_as_an_integration_event()
    {
        var world = await system.SchoolWithAlliance();
        await using var ended = await BrokerProbe.BindAsync(system, typeof(LegalVicePrincipalAppointmentEnded));
        using var county = system.CountyAdmin(world);

        // Refusals change nothing: a unit of another kind, a unit outside the alliance, bad input, the wrong role or region.
        foreach (var unit in new[] { world.TrafficPolice, Guid.NewGuid() })
        {
            var refused = await county.Post(Path, Appointment(world, unit, "officer-x"));
            await refused.AssertProblem(HttpStatusCode.Conflict);
            Assert.Equal("unit-not-legal-member", (await refused.ReadJson()).Str("code"));
        }
        var invalid = await county.Post(Path, new { schoolId = world.SchoolId, unitId = world.PoliceStation, subject = "s", startsOn = Today, years = 9 });
        await invalid.AssertProblem(HttpStatusCode.BadRequest, "years");
        Assert.True((await invalid.ReadJson()).GetProperty("errors").TryGetProperty("name", out _));
        await (await system.SchoolAdmin(world).Post(Path, Appointment(world, world.PoliceStation, "officer-x"))).AssertProblem(HttpStatusCode.Forbidden);
        await (await system.Client(Role.CountyAdmin, World.NewCounty()).Post(Path, Appointment(world, world.PoliceStation, "officer-x")))
            .AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, await AppointmentsOf(world.SchoolId));

        var subject = $"officer-{Guid.NewGuid():N}";
        var created = await county.Post(Path, Appointment(world, world.PoliceStation, subject));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.ReadJson();
        Assert.Equal(("\"1\"", true, "派出所"), (created.Headers.ETag!.Tag, view.GetProperty("current").GetBoolean(), view.Str("unitName")));
        Assert.Equal(Today.AddYears(3).AddDays(-1), DateOnly.Parse(view.Str("endsOn")));
        var id = view.GetProperty("appointmentId").GetGuid();
        var again = await county.Post(Path, Appointment(world, world.PoliceStation, subject));
        Assert.Equal("already-appointed", (await again.ReadJson()).Str("code"));
        var procuratorate = await ProcuratorateJoins(world);
        Assert.Equal(HttpStatusCode.Created, (await county.Post(Path, Appointment(world, procuratorate, $"prosecutor-{Guid.NewGuid():N}"))).StatusCode);

        // Who sees what: the school's staff both, each unit its own, another county nothing.
        Assert.Equal(2, (await (await system.Staff(world, Role.Teacher).GetAsync(Path)).ReadJson()).GetProperty("total").GetInt32());
        using var police = system.Officer(world, world.PoliceStation);
        Assert.Equal(id, Assert.Single((await (await police.GetAsync(Path)).ReadJson()).Items()).GetProperty("appointmentId").GetGuid());
        using var stranger = system.Client(Role.CountyAdmin, World.NewCounty());
        Assert.Empty((await (await stranger.GetAsync($"{Path}?schoolId={world.SchoolId}")).ReadJson()).Items());
        await (await stranger.GetAsync($"{Path}/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await system.Client(Role.Parent, world.County).GetAsync(Path)).AssertProblem(HttpStatusCode.Forbidden);

        // Renewal: If-Match, the bureau only.
        await (await county.Post($"{Path}/{id}/renew", null, new { years = 2 })).AssertProblem((HttpStatusCode)428);
        await (await county.Post($"{Path}/{id}/renew", new System.Net.Http.Headers.EntityTagHeaderValue("\"5\""), new { years = 2 }))
            .AssertProblem(HttpStatusCode.PreconditionFailed);
        var etag = await county.ETagOf($"{Path}/{id}");
        await (await system.SchoolAdmin(world).Post($"{Path}/{id}/renew", etag, new { years = 2 })).AssertProblem(HttpStatusCode.Forbidden);
        var renewed = await county.Post($"{Path}/{id}/renew", etag, new { years = 2 });
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(Today.AddYears(5).AddDays(-1), DateOnly.Parse((await renewed.ReadJson()).Str("endsOn")));

        // The unit withdraws its person: the appointment ends, and the end is published.
        await (await police.Post($"{Path}/{id}/end", renewed.Headers.ETag, new { reason = "TermExpired" })).AssertProblem(HttpStatusCode.BadRequest, "reason");
        var end = await police.Post($"{Path}/{id}/end", renewed.Headers.ETag, new { reason = "Transferred" });
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Equal(("Ended", false), ((await end.ReadJson()).Str("status"), (await end.ReadJson()).GetProperty("current").GetBoolean()));
        var message = await ended.WaitFor(m => m.GetProperty("appointmentId").GetGuid() == id);
        Assert.Equal(("Transferred", world.SchoolId, world.PoliceStation), (message!.Value.Str("reason"), message.Value.GetProperty("schoolId").GetGuid(),
            message.Value.GetProperty("unitId").GetGuid()));
        Assert.DoesNotContain("王警官", message.Value.ToString());
        var late = await county.Post($"{Path}/{id}/renew", end.Headers.ETag, new { years = 1 });
        Assert.Equal("appointment-ended", (await late.ReadJson()).Str("code"));
    }

    [Fact]
    public async Task Lessons_each_term_and_the_county_sees_schools_with_and_without_a_legal_vice_principal()
    {
        var world = await system.SchoolWithAlliance();
        var other = await system.SchoolWithAlliance(world.County);
        using var county = system.CountyAdmin(world);
        var subject = $"officer-{Guid.NewGuid():N}";
        var created = await county.Post(Path, Appointment(world, world.PoliceStation, subject));
        var id = (await created.ReadJson()).GetProperty("appointmentId").GetGuid();

        using var lvp = system.Officer(world, world.PoliceStation, subject);
        var lesson = await lvp.Post($"{Path}/{id}/lessons", created.Headers.ETag, new { on = Today, topic = "预防校园欺凌", classes = new[] { "五年级一班", "五年级二班" } });
        Assert.Equal(HttpStatusCode.OK, lesson.StatusCode);
        var recorded = Assert.Single((await lesson.ReadJson()).GetProperty("lessons").EnumerateArray());
        Assert.Equal((Drills.Terms.Of(Today), 2), (recorded.Str("term"), recorded.GetProperty("classes").GetArrayLength()));
        var future = await lvp.Post($"{Path}/{id}/lessons", lesson.Headers.ETag, new { on = Today.AddDays(1), topic = "交通安全", classes = new[] { "一年级一班" } });
        Assert.Equal("lesson-in-future", (await future.ReadJson()).Str("code"));
        var before = await lvp.Post($"{Path}/{id}/lessons", lesson.Headers.ETag, new { on = Today.AddDays(-1), topic = "交通安全", classes = new[] { "一年级一班" } });
        Assert.Equal("lesson-outside-term", (await before.ReadJson()).Str("code"));
        await (await lvp.Post($"{Path}/{id}/lessons", lesson.Headers.ETag, new { on = Today, topic = "", classes = Array.Empty<string>() }))
            .AssertProblem(HttpStatusCode.BadRequest, "classes");
        await (await system.Officer(world, world.PoliceStation).Post($"{Path}/{id}/lessons", lesson.Headers.ETag,
            new { on = Today, topic = "交通安全", classes = new[] { "一年级一班" } })).AssertProblem(HttpStatusCode.Forbidden);
        await (await system.Staff(world, Role.Teacher).Post($"{Path}/{id}/lessons", lesson.Headers.ETag,
            new { on = Today, topic = "交通安全", classes = new[] { "一年级一班" } })).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await system.SchoolAdmin(world).Post($"{Path}/{id}/lessons", lesson.Headers.ETag,
            new { on = Today, topic = "交通安全", classes = new[] { "一年级一班" } })).StatusCode);

        var figures = await (await county.GetAsync("/api/campussafety/figures/legal-vice-principals")).ReadJson();
        Assert.Equal((world.County, Drills.Terms.Of(Today), 2, 1, 2), (figures.Str("region"), figures.Str("term"), figures.GetProperty("schools").GetInt32(),
            figures.GetProperty("schoolsWithCurrent").GetInt32(), figures.GetProperty("lessons").GetInt32()));
        var row = Assert.Single(figures.GetProperty("schoolRows").EnumerateArray(), r => r.GetProperty("schoolId").GetGuid() == world.SchoolId);
        Assert.Equal((1, 2), (row.GetProperty("current").GetInt32(), row.GetProperty("lessons").GetInt32()));
        var without = Assert.Single(figures.GetProperty("withoutLegalVicePrincipal").EnumerateArray());
        Assert.Equal((other.SchoolId, "实验小学"), (without.GetProperty("schoolId").GetGuid(), without.Str("schoolName")));
        Assert.Equal(0.5m, Assert.Single(figures.GetProperty("counties").EnumerateArray()).GetProperty("share").GetDecimal());
        var lastTerm = await (await county.GetAsync($"/api/campussafety/figures/legal-vice-principals?term=2020-Autumn")).ReadJson();
        Assert.Equal(0, lastTerm.GetProperty("lessons").GetInt32());

        // Region scoping and roles.
        using var city = system.Client(Role.CityAdmin, world.County[..4]);
        var cityFigures = await (await city.GetAsync($"/api/campussafety/figures/legal-vice-principals?county={world.County}")).ReadJson();
        Assert.Equal(1, cityFigures.GetProperty("schoolsWithCurrent").GetInt32());
        await (await county.GetAsync("/api/campussafety/figures/legal-vice-principals?term=2026-Winter")).AssertProblem(HttpStatusCode.BadRequest, "term");
        using var stranger = system.Client(Role.CountyAdmin, World.NewCounty());
        await (await stranger.GetAsync($"/api/campussafety/figures/legal-vice-principals?county={world.County}")).AssertProblem(HttpStatusCode.BadRequest, "county");
        Assert.Equal(0, (await (await stranger.GetAsync("/api/campussafety/figures/legal-vice-principals")).ReadJson()).GetProperty("schools").GetInt32());
        await (await system.SchoolAdmin(world).GetAsync("/api/campussafety/figures/legal-vice-principals")).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_appointment_made_without_an_account_is_claimed_once_by_the_appointee_signed_in_for_its_unit()
    {
        var world = await system.SchoolWithAlliance();
        using var county = system.CountyAdmin(world);
        var byName = new { schoolId = world.SchoolId, unitId = world.PoliceStation, name = "赵警官", position = "社区民警", startsOn = Today, years = 2 };
        var created = await county.Post(Path, byName);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.ReadJson();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("subject").ValueKind);
        var id = view.GetProperty("appointmentId").GetGuid();
        // The same name of the same unit is the same person.
        Assert.Equal("already-appointed", (await (await county.Post(Path, byName)).ReadJson()).Str("code"));

        // Until claimed, a bullying case cannot call them (nobody would be told).
        using var admin = system.SchoolAdmin(world);
        var report = await admin.Post("/api/campussafety/bullying-cases", new
        {
            schoolId = world.SchoolId, grade = 5, summary = "课间推搡", parties = new[] { new { studentId = Guid.NewGuid(), role = "Target" } },
        });
        var casePath = report.Headers.Location!.ToString();
        var uncalled = await admin.Post($"{casePath}/legal-vice-principal", report.Headers.ETag, new { appointmentId = id });
        Assert.Equal("legal-vice-principal-unclaimed", (await uncalled.ReadJson()).Str("code"));

        // Only an officer of the appointing unit claims it: the school learns 403, another unit 404; a stale version 412.
        var etag = await county.ETagOf($"{Path}/{id}");
        await (await admin.Post($"{Path}/{id}/claim", etag, new { })).AssertProblem(HttpStatusCode.Forbidden);
        await (await system.Officer(world, world.TrafficPolice).Post($"{Path}/{id}/claim", etag, new { })).AssertProblem(HttpStatusCode.NotFound);
        var subject = $"officer-{Guid.NewGuid():N}";
        using var officer = system.Officer(world, world.PoliceStation, subject);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await officer.Post($"{Path}/{id}/claim", new System.Net.Http.Headers.EntityTagHeaderValue("\"9\""), new { })).StatusCode);
        var claimed = await officer.Post($"{Path}/{id}/claim", etag, new { });
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal(subject, (await claimed.ReadJson()).Str("subject"));
        // Once: a colleague cannot take it over.
        var twice = await system.Officer(world, world.PoliceStation).Post($"{Path}/{id}/claim", claimed.Headers.ETag, new { });
        Assert.Equal("already-claimed", (await twice.ReadJson()).Str("code"));

        // Now the lessons are theirs, and the school can call them.
        var lesson = await officer.Post($"{Path}/{id}/lessons", claimed.Headers.ETag, new { on = Today, topic = "认识法律", classes = new[] { "五年级一班" } });
        Assert.Equal(HttpStatusCode.OK, lesson.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{casePath}/legal-vice-principal", report.Headers.ETag, new { appointmentId = id })).StatusCode);
    }

    [Fact]
    public async Task The_school_calls_its_legal_vice_principal_to_a_bullying_case_who_reads_it_on_record_while_current()
    {
        var world = await system.SchoolWithAlliance();
        var other = await system.SchoolWithAlliance(world.County);
        using var county = system.CountyAdmin(world);
        var subject = $"officer-{Guid.NewGuid():N}";
        var created = await county.Post(Path, Appointment(world, world.PoliceStation, subject));
        var id = (await created.ReadJson()).GetProperty("appointmentId").GetGuid();
        var elsewhere = await (await county.Post(Path, Appointment(other, other.PoliceStation, $"o-{Guid.NewGuid():N}"))).ReadJson();

        using var admin = system.SchoolAdmin(world);
        var report = await admin.Post("/api/campussafety/bullying-cases", new
        {
            schoolId = world.SchoolId, grade = 6, summary = "多次在放学路上索要财物",
            parties = new[] { new { studentId = Guid.NewGuid(), role = "Target" } },
        });
        var casePath = report.Headers.Location!.ToString();
        using var lvp = system.Officer(world, world.PoliceStation, subject);
        await (await lvp.GetAsync($"{casePath}?reason=law")).AssertProblem(HttpStatusCode.NotFound);

        var wrong = await admin.Post($"{casePath}/legal-vice-principal", report.Headers.ETag, new { appointmentId = elsewhere.GetProperty("appointmentId").GetGuid() });
        Assert.Equal("not-current-legal-vice-principal", (await wrong.ReadJson()).Str("code"));
        await (await admin.Post($"{casePath}/legal-vice-principal", report.Headers.ETag, new { })).AssertProblem(HttpStatusCode.BadRequest, "appointmentId");
        var called = await admin.Post($"{casePath}/legal-vice-principal", report.Headers.ETag, new { appointmentId = id });
        Assert.Equal(HttpStatusCode.OK, called.StatusCode);

        var read = await lvp.GetAsync($"{casePath}?reason={Uri.EscapeDataString("法治副校长参与调查")}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("多次在放学路上索要财物", (await read.ReadJson()).Str("summary"));
        Assert.Single((await (await lvp.GetAsync("/api/campussafety/bullying-cases")).ReadJson()).Items());
        var reads = (await (await admin.GetAsync($"{casePath}/reads")).ReadJson()).Items();
        Assert.Contains(reads, r => r.Str("reader") == subject && r.Str("readerRole") == "MemberOfficer");
        await (await system.Officer(world, world.PoliceStation).GetAsync($"{casePath}?reason=law")).AssertProblem(HttpStatusCode.NotFound);

        // When the appointment ends, so does the reading.
        var etag = await county.ETagOf($"{Path}/{id}");
        Assert.Equal(HttpStatusCode.OK, (await county.Post($"{Path}/{id}/end", etag, new { reason = "Dismissed" })).StatusCode);
        await (await lvp.GetAsync($"{casePath}?reason=law")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_term_that_ran_out_ends_by_the_periodic_check_once_and_leaves_as_an_integration_event()
    {
        var world = await system.SchoolWithAlliance();
        await using var ended = await BrokerProbe.BindAsync(system, typeof(LegalVicePrincipalAppointmentEnded));
        using var county = system.CountyAdmin(world);
        var created = await county.Post(Path, Appointment(world, world.PoliceStation, $"o-{Guid.NewGuid():N}", years: 1, startsOn: Today.AddYears(-1)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJson()).GetProperty("appointmentId").GetGuid();
        Assert.False((await (await county.GetAsync($"{Path}/{id}")).ReadJson()).GetProperty("current").GetBoolean());

        Assert.True(await system.CampusSafety.RunCheckAsync<LegalVicePrincipalTermCheck>(system.Clock.GetUtcNow()) >= 1);
        var after = await county.GetAsync($"{Path}/{id}");
        var view = await after.ReadJson();
        Assert.Equal(("Ended", "TermExpired", "\"2\""), (view.Str("status"), view.Str("endReason"), after.Headers.ETag!.Tag));
        var message = await ended.WaitFor(m => m.GetProperty("appointmentId").GetGuid() == id);
        Assert.Equal("TermExpired", message!.Value.Str("reason"));

        await system.CampusSafety.RunCheckAsync<LegalVicePrincipalTermCheck>(system.Clock.GetUtcNow().AddHours(1));
        Assert.Equal("\"2\"", (await county.GetAsync($"{Path}/{id}")).Headers.ETag!.Tag);
        var figures = await (await county.GetAsync("/api/campussafety/figures/legal-vice-principals")).ReadJson();
        Assert.Equal(world.SchoolId, Assert.Single(figures.GetProperty("withoutLegalVicePrincipal").EnumerateArray()).GetProperty("schoolId").GetGuid());
    }
}
