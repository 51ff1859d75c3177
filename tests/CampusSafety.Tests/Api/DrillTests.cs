using System.Net;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>应急演练: planned, carried out with figures and findings, follow-ups done; who has not met this term's drills.</summary>
[Collection(SystemCollection.Name)]
public sealed class DrillTests(CampusSafetySystem system)
{
    private const string Drills = "/api/campussafety/drills";

    private async Task<HttpResponseMessage> PlanAndComplete(HttpClient admin, Guid schoolId, string kind, string[] findings)
    {
        var planned = await admin.Post(Drills, new { schoolId, kind, plannedFor = system.Clock.GetUtcNow().AddDays(1) });
        Assert.Equal(HttpStatusCode.Created, planned.StatusCode);
        return await admin.Post($"{planned.Headers.Location}/complete", planned.Headers.ETag,
            new { participants = 812, durationMinutes = 14, findings });
    }

    [Fact]
    public async Task Schools_that_have_not_met_the_required_drills_this_term_are_listed()
    {
        var done = await system.SchoolWithAlliance();
        var half = await system.SchoolWithAlliance(done.County);
        var none = await system.SchoolWithAlliance(done.County);
        using var doneAdmin = system.SchoolAdmin(done);
        using var halfAdmin = system.SchoolAdmin(half);
        await using var probe = await BrokerProbe.BindAsync(system, typeof(DrillCompleted));

        var fire = await PlanAndComplete(doneAdmin, done.SchoolId, "Fire", []);
        Assert.Equal(HttpStatusCode.OK, fire.StatusCode);
        // One shape for durations: minutes, as the request said them (not .NET's "00:14:00").
        var answer = await fire.ReadJson();
        Assert.Equal(14, answer.GetProperty("durationMinutes").GetDecimal());
        Assert.False(answer.TryGetProperty("duration", out _));
        Assert.Equal(HttpStatusCode.OK, (await PlanAndComplete(doneAdmin, done.SchoolId, "Evacuation", [])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PlanAndComplete(halfAdmin, half.SchoolId, "Fire", [])).StatusCode);
        // The list names the school beside its id (README), from the replica of Alliances' facts.
        Assert.Equal(["实验小学", "实验小学"], (await (await doneAdmin.GetAsync($"{Drills}?schoolId={done.SchoolId}")).ReadJson()).Items()
            .Select(d => d.Str("schoolName")));

        using var county = system.CountyAdmin(done);
        var unmet = (await (await county.GetAsync($"{Drills}/compliance")).ReadJson()).Items();
        Assert.Equal(new[] { half.SchoolId, none.SchoolId }.Order(), unmet.Select(r => r.GetProperty("schoolId").GetGuid()).Order());
        var halfRow = unmet.Single(r => r.GetProperty("schoolId").GetGuid() == half.SchoolId);
        Assert.Equal(["Evacuation"], halfRow.GetProperty("missing").EnumerateArray().Select(k => k.GetString()));
        var all = (await (await county.GetAsync($"{Drills}/compliance?unmetOnly=false")).ReadJson()).Items();
        Assert.True(all.Single(r => r.GetProperty("schoolId").GetGuid() == done.SchoolId).GetProperty("met").GetBoolean());

        var drillId = (await fire.ReadJson()).Id();
        var heard = await probe.WaitFor(m => m.GetProperty("drillId").GetGuid() == drillId);
        Assert.Equal(812, heard!.Value.GetProperty("participants").GetInt32());
        await (await county.GetAsync($"{Drills}/compliance?term=autumn")).AssertProblem(HttpStatusCode.BadRequest, "term");
    }

    [Fact]
    public async Task Findings_become_follow_up_actions_and_a_drill_completes_once()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);

        var completed = await PlanAndComplete(admin, world.SchoolId, "Earthquake", ["三楼东侧楼梯拥堵", "广播音量不足"]);

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var drill = await completed.ReadJson();
        Assert.Equal("Completed", drill.Str("status"));
        Assert.Equal(2, drill.GetProperty("openActions").GetInt32());
        var action = drill.GetProperty("actions").EnumerateArray().First();
        var path = completed.Headers.Location?.ToString() ?? $"{Drills}/{drill.Id()}";
        await (await admin.Post($"{Drills}/{drill.Id()}/complete", completed.Headers.ETag, new { participants = 1, durationMinutes = 5 }))
            .AssertProblem(HttpStatusCode.Conflict);

        var done = await admin.Post($"{Drills}/{drill.Id()}/actions/{action.Id()}/done", completed.Headers.ETag, new { note = "已加装分流指示牌" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(1, (await done.ReadJson()).GetProperty("openActions").GetInt32());
        _ = path;
    }

    [Fact]
    public async Task Bad_figures_are_a_400_and_only_the_schools_admins_record_drills()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        using var teacher = system.Staff(world, Role.Teacher);
        var planned = await admin.Post(Drills, new { schoolId = world.SchoolId, kind = "Fire", plannedFor = system.Clock.GetUtcNow() });
        var path = planned.Headers.Location!.ToString();

        await (await admin.Post($"{path}/complete", planned.Headers.ETag, new { participants = 0, durationMinutes = 10 })).AssertProblem(HttpStatusCode.BadRequest, "participants");
        await (await admin.Post($"{path}/complete", planned.Headers.ETag, new { participants = 10 })).AssertProblem(HttpStatusCode.BadRequest, "durationMinutes");
        await (await teacher.Post($"{path}/complete", planned.Headers.ETag, new { participants = 10, durationMinutes = 10 })).AssertProblem(HttpStatusCode.Forbidden);
        await (await teacher.Post(Drills, new { schoolId = world.SchoolId, kind = "Fire", plannedFor = system.Clock.GetUtcNow() })).AssertProblem(HttpStatusCode.Forbidden);
        await (await admin.Post(Drills, new { schoolId = world.SchoolId, kind = "Tsunami", plannedFor = system.Clock.GetUtcNow() })).AssertProblem(HttpStatusCode.BadRequest, "kind");

        Assert.Equal(planned.Headers.ETag!.Tag, (await admin.ETagOf(path)).Tag);
    }
}
