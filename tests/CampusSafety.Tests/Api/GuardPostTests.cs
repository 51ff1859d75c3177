using System.Net;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.CampusSafety.GuardPosts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>护学岗: the school keeps the rota, the officer checks in to their own shift, a missed shift raises the alert.</summary>
[Collection(SystemCollection.Name)]
public sealed class GuardPostTests(CampusSafetySystem system)
{
    private const string Posts = "/api/campussafety/guard-posts";

    private async Task<(SchoolWorld World, HttpClient Admin, string Path)> NewPost()
    {
        var world = await system.SchoolWithAlliance();
        var admin = system.SchoolAdmin(world);
        var created = await admin.Post(Posts, new { schoolId = world.SchoolId, gate = "东门 / east gate" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (world, admin, created.Headers.Location!.ToString());
    }

    private async Task<(Guid ShiftId, HttpResponseMessage Response)> Schedule(
        HttpClient admin, string path, TimeSpan fromNow, Guid? unitId, string? officer, string kind = "Arrival")
    {
        var start = system.Clock.GetUtcNow() + fromNow;
        var response = await admin.Post($"{path}/shifts", await admin.ETagOf(path),
            new { kind, startsAt = start, endsAt = start.AddMinutes(45), unitId, officer });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shift = (await response.ReadJson()).GetProperty("shifts").EnumerateArray().Single(s => s.GetProperty("startsAt").GetDateTimeOffset() == start);
        return (shift.Id(), response);
    }

    [Fact]
    public async Task The_officer_on_the_rota_sees_their_shift_and_checks_in()
    {
        var (world, admin, path) = await NewPost();
        var (shiftId, _) = await Schedule(admin, path, TimeSpan.FromMinutes(10), world.PoliceStation, "officer-zhang");
        using var zhang = system.Officer(world, world.PoliceStation, "officer-zhang");

        var rota = await (await zhang.GetAsync($"{Posts}/rota")).ReadJson();
        var entry = Assert.Single(rota.Items());
        Assert.Equal(shiftId, entry.GetProperty("shift").Id());

        var checkedIn = await zhang.Post($"{path}/shifts/{shiftId}/check-in", await zhang.ETagOf(path));

        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);
        var shift = (await checkedIn.ReadJson()).GetProperty("shifts").EnumerateArray().Single(s => s.Id() == shiftId);
        Assert.Equal("CheckedIn", shift.Str("status"));
        Assert.Equal("officer-zhang", shift.Str("checkedInBy"));
    }

    [Fact]
    public async Task A_check_in_for_another_officers_shift_is_a_403_and_changes_nothing()
    {
        var (world, admin, path) = await NewPost();
        var (shiftId, _) = await Schedule(admin, path, TimeSpan.FromMinutes(10), world.PoliceStation, "officer-li");
        using var wang = system.Officer(world, world.PoliceStation, "officer-wang");
        var before = await admin.ETagOf(path);

        await (await wang.Post($"{path}/shifts/{shiftId}/check-in", before)).AssertProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before.Tag, (await admin.ETagOf(path)).Tag);
        Assert.Empty((await (await wang.GetAsync($"{Posts}/rota")).ReadJson()).Items());
    }

    [Fact]
    public async Task A_shift_of_a_unit_is_checked_in_by_an_officer_of_that_unit_only()
    {
        var (world, admin, path) = await NewPost();
        var (shiftId, _) = await Schedule(admin, path, TimeSpan.FromMinutes(5), world.TrafficPolice, null, "Dismissal");
        using var police = system.Officer(world, world.PoliceStation);
        using var traffic = system.Officer(world, world.TrafficPolice);

        await (await police.Post($"{path}/shifts/{shiftId}/check-in", await admin.ETagOf(path))).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await traffic.Post($"{path}/shifts/{shiftId}/check-in", await traffic.ETagOf(path))).StatusCode);
    }

    [Fact]
    public async Task A_missed_shift_raises_GuardShiftMissed_once_and_can_no_longer_be_checked_in()
    {
        var (world, admin, path) = await NewPost();
        await using var probe = await BrokerProbe.BindAsync(system, typeof(GuardShiftMissed));
        var (shiftId, _) = await Schedule(admin, path, TimeSpan.FromMinutes(20), world.TrafficPolice, null);
        var start = system.Clock.GetUtcNow() + TimeSpan.FromMinutes(20);

        await system.CampusSafety.RunCheckAsync<GuardShiftMissedCheck>(start + TimeSpan.FromMinutes(14));
        var before = await admin.ETagOf(path);
        await system.CampusSafety.RunCheckAsync<GuardShiftMissedCheck>(start + TimeSpan.FromMinutes(16));
        await system.CampusSafety.RunCheckAsync<GuardShiftMissedCheck>(start + TimeSpan.FromMinutes(17));

        var after = await admin.ETagOf(path);
        Assert.Equal(long.Parse(before.Tag.Trim('"')) + 1, long.Parse(after.Tag.Trim('"')));
        var heard = await probe.WaitFor(m => m.GetProperty("shiftId").GetGuid() == shiftId);
        Assert.Equal(world.TrafficPolice, heard!.Value.GetProperty("unitId").GetGuid());
        var missed = Assert.Single((await (await admin.GetAsync($"{Posts}/missed")).ReadJson()).Items());
        Assert.Equal(shiftId, missed.GetProperty("shift").Id());

        using var traffic = system.Officer(world, world.TrafficPolice);
        await (await traffic.Post($"{path}/shifts/{shiftId}/check-in", after)).AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_rota_takes_only_units_serving_the_school_and_only_from_its_admins()
    {
        var (world, admin, path) = await NewPost();
        using var teacher = system.Staff(world, Role.Teacher);
        var start = system.Clock.GetUtcNow().AddHours(1);
        var etag = await admin.ETagOf(path);

        await (await admin.Post($"{path}/shifts", etag, new { kind = "Arrival", startsAt = start, endsAt = start.AddMinutes(30), unitId = Guid.NewGuid() }))
            .AssertProblem(HttpStatusCode.BadRequest, "unitId");
        await (await admin.Post($"{path}/shifts", etag, new { kind = "Arrival", startsAt = start, endsAt = start.AddMinutes(30) }))
            .AssertProblem(HttpStatusCode.BadRequest, "unitId");
        await (await admin.Post($"{path}/shifts", etag, new { kind = "Arrival", startsAt = start, endsAt = start.AddMinutes(-30), officer = "x" }))
            .AssertProblem(HttpStatusCode.Conflict);
        await (await teacher.Post($"{path}/shifts", etag, new { kind = "Arrival", startsAt = start, endsAt = start.AddMinutes(30), officer = "x" }))
            .AssertProblem(HttpStatusCode.Forbidden);

        Assert.Equal(etag.Tag, (await admin.ETagOf(path)).Tag);
        var other = await system.SchoolWithAlliance(world.County);
        await (await admin.Post(Posts, new { schoolId = other.SchoolId, gate = "北门" })).AssertProblem(HttpStatusCode.Forbidden);
    }
}
