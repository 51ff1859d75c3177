using System.Net;
using JiaoLianTi.Activities.Contracts;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>
/// The safety-plan exchange with Activities: its SafetyPlanRequested comes in over the broker (published here as
/// Activities would), the county reviews, and the answer goes out: verified on a queue bound to the answer's exchange.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SafetyPlanTests(CampusSafetySystem system)
{
    private const string Plans = "/api/campussafety/safety-plans";

    private async Task<(SchoolWorld World, Guid ActivityId, string Path)> Requested()
    {
        var world = await system.SchoolWithAlliance();
        var activityId = Guid.NewGuid();
        var starts = system.Clock.GetUtcNow().AddDays(7);
        await system.PublishAsync(new SafetyPlanRequested(activityId, world.SchoolId, world.County, "三星堆博物馆研学",
            "广汉市三星堆博物馆", starts, starts.AddHours(8), 120, "两辆有资质大巴；每 10 名学生 1 名带队教师；已购意外险",
            DateTimeOffset.UtcNow));
        using var county = system.CountyAdmin(world);
        var page = await Eventually.Until(async () => await (await county.GetAsync($"{Plans}?activityId={activityId}")).ReadJson(),
            p => p.Items().Count == 1);
        var plan = Assert.Single(page.Items());
        Assert.Equal("Submitted", plan.Str("status"));
        return (world, activityId, $"{Plans}/{plan.Id()}");
    }

    [Fact]
    public async Task An_approved_plan_is_answered_by_SafetyPlanApproved_on_the_broker()
    {
        var (world, activityId, path) = await Requested();
        await using var answers = await BrokerProbe.BindAsync(system, typeof(SafetyPlanApproved));
        using var county = system.CountyAdmin(world);

        var approved = await county.Post($"{path}/approve", await county.ETagOf(path), new { notes = "同意，注意防暑" });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("Approved", (await approved.ReadJson()).Str("status"));
        var answer = await answers.WaitFor(m => m.GetProperty("activityId").GetGuid() == activityId);
        Assert.NotNull(answer);
        Assert.Equal(Guid.Parse(path.Split('/')[^1]), answer.Value.GetProperty("planId").GetGuid());

        await (await county.Post($"{path}/reject", approved.Headers.ETag, new { reasons = "改主意了" })).AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_rejection_needs_reasons_and_is_answered_by_SafetyPlanRejected_with_them()
    {
        var (world, activityId, path) = await Requested();
        await using var answers = await BrokerProbe.BindAsync(system, typeof(SafetyPlanRejected));
        using var county = system.CountyAdmin(world);
        var etag = await county.ETagOf(path);

        await (await county.Post($"{path}/reject", etag, new { reasons = " " })).AssertProblem(HttpStatusCode.BadRequest, "reasons");
        Assert.Equal(etag.Tag, (await county.ETagOf(path)).Tag);
        var rejected = await county.Post($"{path}/reject", etag, new { reasons = "带队教师不足；缺少应急联系人" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var answer = await answers.WaitFor(m => m.GetProperty("activityId").GetGuid() == activityId);
        Assert.Equal("带队教师不足；缺少应急联系人", answer!.Value.Str("reasons"));
    }

    [Fact]
    public async Task Only_the_county_admins_of_the_activitys_county_review()
    {
        var (world, _, path) = await Requested();
        using var schoolAdmin = system.SchoolAdmin(world);
        using var police = system.Officer(world, world.PoliceStation);
        using var otherCounty = system.Client(Role.CountyAdmin, World.NewCounty());
        using var county = system.CountyAdmin(world);
        var etag = await county.ETagOf(path);

        await (await schoolAdmin.Post($"{path}/approve", etag)).AssertProblem(HttpStatusCode.Forbidden);
        await (await police.Post($"{path}/approve", etag)).AssertProblem(HttpStatusCode.NotFound);
        await (await otherCounty.Post($"{path}/approve", etag)).AssertProblem(HttpStatusCode.NotFound);
        await (await county.Post($"{path}/approve", etag: null)).AssertProblem((HttpStatusCode)428);

        Assert.Equal(etag.Tag, (await county.ETagOf(path)).Tag);
        // The school's admins follow their activity's plan; other roles of the school see none.
        Assert.Single((await (await schoolAdmin.GetAsync(Plans)).ReadJson()).Items());
        Assert.Equal(HttpStatusCode.OK, (await schoolAdmin.GetAsync(path)).StatusCode);
        using var teacher = system.Staff(world, Role.Teacher);
        Assert.Empty((await (await teacher.GetAsync(Plans)).ReadJson()).Items());
        await (await teacher.GetAsync(path)).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_request_delivered_twice_opens_one_plan()
    {
        var world = await system.SchoolWithAlliance();
        var activityId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var starts = system.Clock.GetUtcNow().AddDays(3);
        var request = new SafetyPlanRequested(activityId, null, world.County, "社区实践", "锦江区社区中心", starts,
            starts.AddHours(2), 30, "步行前往", DateTimeOffset.UtcNow);
        await system.PublishAsync(request, messageId);
        await system.PublishAsync(request, messageId);
        using var county = system.CountyAdmin(world);

        await Eventually.Until(async () => await (await county.GetAsync($"{Plans}?activityId={activityId}")).ReadJson(), p => p.Items().Count > 0);
        await Task.Delay(1500);
        Assert.Single((await (await county.GetAsync($"{Plans}?activityId={activityId}")).ReadJson()).Items());
    }
}
