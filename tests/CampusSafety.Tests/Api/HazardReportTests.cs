using System.Net;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>Surroundings reports through the gateway: routing by kind to the school's alliance, the unit's work, refusals.</summary>
[Collection(SystemCollection.Name)]
public sealed class HazardReportTests(CampusSafetySystem system)
{
    private const string Reports = "/api/campussafety/reports";

    private static object Report(Guid schoolId, string kind = HazardKinds.Traffic) =>
        new { schoolId, kind, description = "校门口早高峰车辆违停，学生横穿马路", location = "东门 / east gate" };

    [Fact]
    public async Task A_traffic_hazard_reaches_the_traffic_police_unit_of_the_schools_alliance()
    {
        var world = await system.SchoolWithAlliance();
        await using var department = await BrokerProbe.BindAsync(system, typeof(HazardAssigned));
        using var teacher = system.Staff(world, Role.Teacher);

        var created = await teacher.Post(Reports, Report(world.SchoolId));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var report = await created.ReadJson();
        Assert.Equal("Assigned", report.Str("status"));
        Assert.Equal(world.TrafficPolice, report.GetProperty("unitId").GetGuid());
        Assert.Equal("TrafficPolice", report.Str("unitKind"));

        using var trafficOfficer = system.Officer(world, world.TrafficPolice);
        var list = await (await trafficOfficer.GetAsync($"{Reports}?kind=Traffic")).ReadJson();
        Assert.Equal(report.Id(), Assert.Single(list.Items()).Id());

        using var policeOfficer = system.Officer(world, world.PoliceStation);
        Assert.Empty((await (await policeOfficer.GetAsync(Reports)).ReadJson()).Items());
        await (await policeOfficer.GetAsync($"{Reports}/{report.Id()}")).AssertProblem(HttpStatusCode.NotFound);

        // The traffic police's own system hears it on a queue bound to the contract's exchange, filtering on kind.
        var heard = await department.WaitFor(m => m.GetProperty("reportId").GetGuid() == report.Id());
        Assert.NotNull(heard);
        Assert.Equal(HazardKinds.Traffic, heard.Value.Str("kind"));
        Assert.Equal(world.TrafficPolice, heard.Value.GetProperty("unitId").GetGuid());
    }

    [Theory]
    [InlineData(HazardKinds.VendorsAndFood, "MarketRegulator")]
    [InlineData(HazardKinds.Security, "PoliceStation")]
    [InlineData(HazardKinds.Construction, "TrafficPolice")]
    [InlineData(HazardKinds.Other, "PoliceStation")]
    public async Task Each_kind_goes_to_its_responsible_unit(string kind, string unitKind)
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);

        var report = await (await admin.Post(Reports, Report(world.SchoolId, kind))).ReadJson();

        var expected = unitKind switch
        {
            "MarketRegulator" => world.MarketRegulator,
            "PoliceStation" => world.PoliceStation,
            _ => world.TrafficPolice,
        };
        Assert.Equal(expected, report.GetProperty("unitId").GetGuid());
        Assert.Equal(unitKind, report.Str("unitKind"));
    }

    [Fact]
    public async Task An_unknown_hazard_kind_is_a_400_naming_kind_and_files_nothing()
    {
        var world = await system.SchoolWithAlliance();
        using var teacher = system.Staff(world, Role.Teacher);

        await (await teacher.Post(Reports, Report(world.SchoolId, "Ghosts"))).AssertProblem(HttpStatusCode.BadRequest, "kind");
        await (await teacher.Post(Reports, new { schoolId = world.SchoolId, kind = "Traffic" })).AssertProblem(HttpStatusCode.BadRequest, "description");

        Assert.Equal(0, await CountReports(world));
    }

    [Fact]
    public async Task A_school_outside_the_callers_scope_is_a_403_and_files_nothing()
    {
        var world = await system.SchoolWithAlliance();
        var other = await system.SchoolWithAlliance(world.County);
        using var otherTeacher = system.Staff(other, Role.Teacher);
        using var officer = system.Officer(world, world.TrafficPolice);

        await (await otherTeacher.Post(Reports, Report(world.SchoolId))).AssertProblem(HttpStatusCode.Forbidden);
        await (await officer.Post(Reports, Report(world.SchoolId))).AssertProblem(HttpStatusCode.Forbidden);

        Assert.Equal(0, await CountReports(world));
    }

    [Fact]
    public async Task A_parent_reports_for_their_childs_school_and_sees_only_their_own_reports()
    {
        var world = await system.SchoolWithAlliance();
        using var parent = system.Staff(world, Role.Parent);
        using var otherParent = system.Staff(world, Role.Parent);

        var report = await (await parent.Post(Reports, Report(world.SchoolId, HazardKinds.VendorsAndFood))).ReadJson();

        Assert.Equal(report.Id(), Assert.Single((await (await parent.GetAsync(Reports)).ReadJson()).Items()).Id());
        Assert.Empty((await (await otherParent.GetAsync(Reports)).ReadJson()).Items());
        await (await otherParent.GetAsync($"{Reports}/{report.Id()}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_unit_acknowledges_and_resolves_and_the_school_verifies_and_closes()
    {
        var world = await system.SchoolWithAlliance();
        await using var resolvedProbe = await BrokerProbe.BindAsync(system, typeof(HazardResolved));
        using var admin = system.SchoolAdmin(world);
        using var officer = system.Officer(world, world.TrafficPolice);
        var created = await admin.Post(Reports, Report(world.SchoolId));
        var path = created.Headers.Location!.ToString();

        var acknowledged = await officer.Post($"{path}/acknowledge", created.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal("Acknowledged", (await acknowledged.ReadJson()).Str("status"));

        var resolved = await officer.Post($"{path}/resolve", acknowledged.Headers.ETag, new { note = "已设置临时停车区并安排警力疏导" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("Resolved", (await resolved.ReadJson()).Str("status"));

        var closed = await admin.Post($"{path}/close", resolved.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Closed", (await closed.ReadJson()).Str("status"));
        Assert.Equal("\"5\"", closed.Headers.ETag!.Tag); // filed, assigned, acknowledged, resolved, closed

        var heard = await resolvedProbe.WaitFor(m => m.GetProperty("reportId").GetGuid() == Guid.Parse(path.Split('/')[^1]));
        Assert.Equal(world.TrafficPolice, heard!.Value.GetProperty("unitId").GetGuid());
    }

    [Fact]
    public async Task The_description_is_sealed_at_rest_read_in_clear_by_those_who_see_it_and_erased_for_good()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        using var officer = system.Officer(world, world.TrafficPolice);
        using var teacher = system.Staff(world, Role.Teacher);
        var created = await teacher.Post(Reports, new { schoolId = world.SchoolId, kind = "Traffic", description = "六年级王小明放学时在东门被电动车擦伤", location = "东门" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var path = created.Headers.Location!.ToString();
        var id = Guid.Parse(path.Split('/')[^1]);
        Assert.Equal("六年级王小明放学时在东门被电动车擦伤", (await created.ReadJson()).Str("description"));

        // At rest: neither the events nor the read model hold the text.
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Marten.IDocumentStore>(system.CampusSafety);
        await using (var query = store.QuerySession())
        {
            var events = System.Text.Json.JsonSerializer.Serialize((await query.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList());
            Assert.DoesNotContain("王小明", events);
            Assert.DoesNotContain("王小明", System.Text.Json.JsonSerializer.Serialize(await query.LoadAsync<SurroundingsReport>(id)));
        }
        // Whoever may see the report reads it in clear: the unit it was routed to, in its list and in the detail.
        var listed = (await (await officer.GetAsync($"{Reports}?kind=Traffic")).ReadJson()).Items().Single(r => r.Id() == id);
        Assert.Equal("六年级王小明放学时在东门被电动车擦伤", listed.Str("description"));
        var acknowledged = await officer.Post($"{path}/acknowledge", created.Headers.ETag);
        Assert.Equal("六年级王小明放学时在东门被电动车擦伤", (await acknowledged.ReadJson()).Str("description"));

        // Only the school's admins (or the administration) erase it; the report and its routing stay.
        await (await teacher.Post($"{path}/description/erasure", acknowledged.Headers.ETag)).AssertProblem(HttpStatusCode.Forbidden);
        var erased = await admin.Post($"{path}/description/erasure", acknowledged.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var after = await (await officer.GetAsync(path)).ReadJson();
        Assert.True(after.GetProperty("descriptionErased").GetBoolean());
        Assert.Equal("", after.Str("description"));
        Assert.Equal("Acknowledged", after.Str("status"));
        Assert.Equal(world.TrafficPolice, after.GetProperty("unitId").GetGuid());
        await (await admin.Post($"{path}/description/erasure", erased.Headers.ETag)).AssertProblem(HttpStatusCode.Conflict);
        await using (var query = store.QuerySession())
        {
            Assert.Null(await query.LoadAsync<JiaoLianTi.Platform.PersonalData.PersonKey>(id));
        }
    }

    [Fact]
    public async Task The_school_reopens_a_resolved_report_and_the_unit_has_it_again()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        using var officer = system.Officer(world, world.MarketRegulator);
        var created = await admin.Post(Reports, Report(world.SchoolId, HazardKinds.VendorsAndFood));
        var path = created.Headers.Location!.ToString();
        var resolved = await officer.Post($"{path}/resolve", created.Headers.ETag, new { note = "已取缔流动摊贩" });

        await (await admin.Post($"{path}/reopen", resolved.Headers.ETag, new { })).AssertProblem(HttpStatusCode.BadRequest, "reason");
        var reopened = await admin.Post($"{path}/reopen", resolved.Headers.ETag, new { reason = "摊贩次日又回来了" });

        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var report = await reopened.ReadJson();
        Assert.Equal("Assigned", report.Str("status"));
        Assert.Equal(1, report.GetProperty("round").GetInt32());
        Assert.Single((await (await officer.GetAsync($"{Reports}?status=Assigned")).ReadJson()).Items());
    }

    [Fact]
    public async Task Resolving_a_report_not_assigned_to_your_unit_is_refused_and_changes_nothing()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var created = await admin.Post(Reports, Report(world.SchoolId));
        var path = created.Headers.Location!.ToString();
        using var police = system.Officer(world, world.PoliceStation);
        using var admin2 = system.SchoolAdmin(world);

        // Another unit: the report does not exist for it.
        await (await police.Post($"{path}/resolve", created.Headers.ETag, new { note = "不是我们的" })).AssertProblem(HttpStatusCode.NotFound);
        // The school itself cannot resolve what the unit must resolve.
        await (await admin2.Post($"{path}/resolve", created.Headers.ETag, new { note = "自己处理了" })).AssertProblem(HttpStatusCode.Forbidden);
        // Closing before the unit resolved it is against the rules.
        await (await admin.Post($"{path}/close", created.Headers.ETag)).AssertProblem(HttpStatusCode.Conflict);

        var report = await (await admin.GetAsync(path)).ReadJson();
        Assert.Equal("Assigned", report.Str("status"));
        Assert.Equal("\"2\"", (await admin.ETagOf(path)).Tag);
    }

    [Fact]
    public async Task Changes_need_If_Match_and_a_stale_one_is_a_412()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        using var officer = system.Officer(world, world.TrafficPolice);
        var created = await admin.Post(Reports, Report(world.SchoolId));
        var path = created.Headers.Location!.ToString();

        await (await officer.Post($"{path}/acknowledge", etag: null)).AssertProblem((HttpStatusCode)428);
        await (await officer.Post($"{path}/acknowledge", new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""))).AssertProblem(HttpStatusCode.PreconditionFailed);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(created.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await admin.SendAsync(conditional)).StatusCode);
    }

    [Fact]
    public async Task A_report_with_no_responsible_unit_waits_and_is_routed_once_the_unit_joins()
    {
        var world = await system.SchoolWithAlliance(withUnits: false);
        using var admin = system.SchoolAdmin(world);
        var created = await admin.Post(Reports, Report(world.SchoolId));
        var report = await created.ReadJson();
        Assert.Equal("Reported", report.Str("status"));
        Assert.Equal("TrafficPolice", report.Str("responsibleKind"));
        var path = created.Headers.Location!.ToString();

        await (await admin.Post($"{path}/route", created.Headers.ETag)).AssertProblem(HttpStatusCode.Conflict);

        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new Alliances.Contracts.MemberUnitRegistered(world.TrafficPolice, "TrafficPolice", "交警", world.County, now));
        await system.PublishAsync(new Alliances.Contracts.MemberJoined(world.AllianceId, world.TrafficPolice, "TrafficPolice", world.County, "Member", now));
        await system.SchoolKnown(world, 1);

        var routed = await admin.Post($"{path}/route", created.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        Assert.Equal(world.TrafficPolice, (await routed.ReadJson()).GetProperty("unitId").GetGuid());
    }

    [Fact]
    public async Task An_overdue_report_escalates_to_the_county_once_by_the_periodic_check()
    {
        var world = await system.SchoolWithAlliance();
        await using var overdueProbe = await BrokerProbe.BindAsync(system, typeof(HazardOverdue));
        using var admin = system.SchoolAdmin(world);
        var created = await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Security));
        var report = await created.ReadJson();
        var path = created.Headers.Location!.ToString();
        var due = report.GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(system.Clock.GetUtcNow() + TimeSpan.FromHours(24), due);
        using var county = system.CountyAdmin(world);

        await system.CampusSafety.RunCheckAsync<HazardOverdueCheck>(due - TimeSpan.FromMinutes(1));
        Assert.Empty((await (await county.GetAsync("/api/campussafety/escalations")).ReadJson()).Items());

        await system.CampusSafety.RunCheckAsync<HazardOverdueCheck>(due + TimeSpan.FromMinutes(1));
        await system.CampusSafety.RunCheckAsync<HazardOverdueCheck>(due + TimeSpan.FromMinutes(2));

        var escalated = Assert.Single((await (await county.GetAsync("/api/campussafety/escalations")).ReadJson()).Items());
        Assert.Equal(report.Id(), escalated.Id());
        Assert.Equal("\"3\"", (await admin.ETagOf(path)).Tag); // filed, assigned, escalated once
        var heard = await overdueProbe.WaitFor(m => m.GetProperty("reportId").GetGuid() == report.Id());
        Assert.Equal(world.County, heard!.Value.Str("countyCode"));

        using var otherCounty = system.Client(Role.CountyAdmin, World.NewCounty());
        Assert.DoesNotContain((await (await otherCounty.GetAsync("/api/campussafety/escalations")).ReadJson()).Items(), r => r.Id() == report.Id());
        await (await admin.GetAsync("/api/campussafety/escalations")).AssertProblem(HttpStatusCode.Forbidden);

        // Resolved: off the escalations list.
        using var police = system.Officer(world, world.PoliceStation);
        Assert.Equal(HttpStatusCode.OK, (await police.Post($"{path}/resolve", await admin.ETagOf(path), new { note = "已处置" })).StatusCode);
        Assert.Empty((await (await county.GetAsync("/api/campussafety/escalations")).ReadJson()).Items());
    }

    [Fact]
    public async Task The_list_filters_by_status_kind_and_overdue()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Marten.IDocumentStore>(system.CampusSafety);
        var old = system.Clock.GetUtcNow().AddDays(-2);
        var overdueId = Guid.NewGuid();
        // Given: a security report filed two days ago (SLA 24 h), as the service itself would have appended it.
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<SurroundingsReport>(overdueId,
                new HazardReportFiled(overdueId, world.SchoolId, world.County, HazardKinds.Security, "x", "y", "t", Role.Teacher, old.AddHours(24), old),
                new HazardReportAssigned(overdueId, world.SchoolId, world.County, HazardKinds.Security, world.PoliceStation, "PoliceStation", old.AddHours(24), old));
            await session.SaveChangesAsync();
        }
        await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Traffic));
        await admin.Post(Reports, Report(world.SchoolId, HazardKinds.VendorsAndFood));

        Assert.Equal(overdueId, Assert.Single((await (await admin.GetAsync($"{Reports}?overdue=true")).ReadJson()).Items()).Id());
        Assert.Equal("VendorsAndFood", Assert.Single((await (await admin.GetAsync($"{Reports}?kind=VendorsAndFood")).ReadJson()).Items()).Str("kind"));
        Assert.Equal(3, (await (await admin.GetAsync($"{Reports}?status=Assigned")).ReadJson()).GetProperty("total").GetInt32());
        Assert.Empty((await (await admin.GetAsync($"{Reports}?status=Closed")).ReadJson()).Items());
        await (await admin.GetAsync($"{Reports}?status=Lost")).AssertProblem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync($"{Reports}?pageSize=0")).AssertProblem(HttpStatusCode.BadRequest, "pageSize");
    }

    private async Task<long> CountReports(SchoolWorld world)
    {
        using var county = system.CountyAdmin(world);
        var page = await (await county.GetAsync($"/api/campussafety/reports?schoolId={world.SchoolId}")).ReadJson();
        return page.GetProperty("total").GetInt64();
    }
}
