using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>
/// Who serves which school, learnt from Alliances' contracts (published here as Alliances would): joining, leaving,
/// dissolving, and the school's visibility of it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DirectoryTests(CampusSafetySystem system)
{
    private static object TrafficReport(Guid schoolId) =>
        new { schoolId, kind = HazardKinds.Traffic, description = "红绿灯损坏", location = "校门口路口" };

    [Fact]
    public async Task A_unit_that_left_the_alliance_no_longer_receives_the_schools_reports()
    {
        var world = await system.SchoolWithAlliance();
        await system.PublishAsync(new MemberLeft(world.AllianceId, world.TrafficPolice, DateTimeOffset.UtcNow.AddMinutes(1)));
        await system.SchoolKnown(world, 2);
        using var admin = system.SchoolAdmin(world);

        var report = await (await admin.Post("/api/campussafety/reports", TrafficReport(world.SchoolId))).ReadJson();

        Assert.Equal("Reported", report.Str("status"));
        Assert.Equal(JsonNull, report.GetProperty("unitId").ValueKind);
    }

    [Fact]
    public async Task A_leave_that_overtakes_its_join_is_kept_and_a_later_rejoin_counts()
    {
        var world = await system.SchoolWithAlliance(withUnits: false);
        var traffic = world.TrafficPolice;
        var t0 = DateTimeOffset.UtcNow;
        await system.PublishAsync(new MemberUnitRegistered(traffic, MemberUnitKinds.TrafficPolice, "交警", world.County, t0));
        // The leave is delivered before the join it ends.
        await system.PublishAsync(new MemberLeft(world.AllianceId, traffic, t0.AddMinutes(5)));
        await Task.Delay(500);
        await system.PublishAsync(new MemberJoined(world.AllianceId, traffic, MemberUnitKinds.TrafficPolice, world.County, "Member", t0));
        await Task.Delay(1500);
        await system.SchoolKnown(world, 0);

        await system.PublishAsync(new MemberJoined(world.AllianceId, traffic, MemberUnitKinds.TrafficPolice, world.County, "Member", t0.AddMinutes(10)));
        await system.SchoolKnown(world, 1);
        // And the old leave, redelivered late, does not end the new membership.
        await system.PublishAsync(new MemberLeft(world.AllianceId, traffic, t0.AddMinutes(5)));
        await Task.Delay(1500);
        await system.SchoolKnown(world, 1);
    }

    [Fact]
    public async Task A_dissolved_alliance_routes_nothing_even_if_a_late_join_arrives()
    {
        var world = await system.SchoolWithAlliance();
        await system.PublishAsync(new AllianceDissolved(world.AllianceId, world.County, "合并", DateTimeOffset.UtcNow));
        await system.SchoolKnown(world, 0);
        await system.PublishAsync(new MemberJoined(world.AllianceId, Guid.NewGuid(), MemberUnitKinds.PoliceStation, world.County, "Member", DateTimeOffset.UtcNow));
        await Task.Delay(1000);
        await system.SchoolKnown(world, 0);
    }

    [Fact]
    public async Task A_school_in_two_alliances_is_served_by_the_units_of_both()
    {
        var world = await system.SchoolWithAlliance();
        var regional = Guid.NewGuid();
        var police = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new AllianceEstablished(regional, "区域教联体", "Regional", world.County, "区教育局", now));
        await system.PublishAsync(new MemberJoined(regional, world.SchoolId, MemberUnitKinds.School, world.County, "Member", now));
        await system.PublishAsync(new MemberUnitRegistered(police, MemberUnitKinds.PoliceStation, "第二派出所", world.County, now));
        await system.PublishAsync(new MemberJoined(regional, police, MemberUnitKinds.PoliceStation, world.County, "Member", now.AddMinutes(1)));

        await system.SchoolKnown(world, 4);
        using var admin = system.SchoolAdmin(world);
        var units = await (await admin.GetAsync($"/api/campussafety/schools/{world.SchoolId}/units")).ReadJson();
        Assert.Contains(units.EnumerateArray(), u => u.GetProperty("unitId").GetGuid() == police && u.Str("name") == "第二派出所");
        // The earlier member keeps the school's security reports.
        var report = await (await admin.Post("/api/campussafety/reports",
            new { schoolId = world.SchoolId, kind = HazardKinds.Security, description = "可疑人员", location = "北门" })).ReadJson();
        Assert.Equal(world.PoliceStation, report.GetProperty("unitId").GetGuid());
    }

    [Fact]
    public async Task A_school_CampusSafety_has_not_heard_of_is_a_400_and_outsiders_see_no_units()
    {
        var world = await system.SchoolWithAlliance();
        var unknown = Guid.NewGuid();
        using var teacher = system.Client(new TokenRequest(Role.Teacher, world.County, unknown, null, "teacher-x"));

        await (await teacher.Post("/api/campussafety/reports", TrafficReport(unknown))).AssertProblem(HttpStatusCode.BadRequest, "schoolId");

        using var otherCounty = system.Client(Role.CountyAdmin, World.NewCounty());
        await (await otherCounty.GetAsync($"/api/campussafety/schools/{world.SchoolId}/units")).AssertProblem(HttpStatusCode.NotFound);
        using var parent = system.Staff(world, Role.Parent);
        await (await parent.GetAsync($"/api/campussafety/schools/{world.SchoolId}/units")).AssertProblem(HttpStatusCode.NotFound);
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
