using JiaoLianTi.CampusSafety.Drills;
using JiaoLianTi.CampusSafety.SafetyPlans;
using JiaoLianTi.CampusSafety.TrafficPlans;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

internal static class Drill
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly Guid DrillId = Guid.NewGuid();
    public static DrillPlanned Planned() => new(DrillId, Guid.NewGuid(), "510104", DrillKind.Fire, Now, "a", Now);
}

public sealed class CompleteDrillTests
{
    [Fact]
    public void Findings_become_open_follow_up_actions_and_the_drill_counts_for_its_term()
    {
        var done = Assert.IsType<DrillCarriedOut>(Assert.Single(DrillDecider.Decide(
            new CompleteDrill(800, TimeSpan.FromMinutes(12), ["楼梯拥堵", "广播不清"], "a", Drill.Now), Given.State<EmergencyDrill>(Drill.Planned()))));
        Assert.Equal(2, done.Actions.Count);
        Assert.All(done.Actions, a => Assert.False(a.Done));
        Assert.Equal("2026-Autumn", done.Term);
    }

    [Fact]
    public void A_drill_completes_once_with_sensible_figures()
    {
        var planned = Given.State<EmergencyDrill>(Drill.Planned());
        Assert.Throws<RuleViolation>(() => DrillDecider.Decide(new CompleteDrill(0, TimeSpan.FromMinutes(5), [], "a", Drill.Now), planned));
        Assert.Throws<RuleViolation>(() => DrillDecider.Decide(new CompleteDrill(10, TimeSpan.FromHours(9), [], "a", Drill.Now), planned));
        var done = DrillDecider.Decide(new CompleteDrill(10, TimeSpan.FromMinutes(5), [], "a", Drill.Now), planned);
        Assert.Equal("drill-completed", Assert.Throws<RuleViolation>(() => DrillDecider.Decide(
            new CompleteDrill(10, TimeSpan.FromMinutes(5), [], "a", Drill.Now), planned.Apply((DrillCarriedOut)done[0]))).Code);
    }
}

public sealed class CompleteFollowUpTests
{
    [Fact]
    public void An_action_is_done_once()
    {
        var planned = Given.State<EmergencyDrill>(Drill.Planned());
        var completed = planned.Apply((DrillCarriedOut)DrillDecider.Decide(new CompleteDrill(10, TimeSpan.FromMinutes(5), ["x"], "a", Drill.Now), planned)[0]);
        var action = completed.Actions[0].Id;
        var done = Assert.IsType<DrillFollowUpDone>(Assert.Single(DrillDecider.Decide(new CompleteFollowUp(action, "改好了", "a", Drill.Now), completed)));
        Assert.Equal(0, completed.Apply(done).OpenActions);
        Assert.Throws<RuleViolation>(() => DrillDecider.Decide(new CompleteFollowUp(action, "again", "a", Drill.Now), completed.Apply(done)));
        Assert.Throws<NotFoundException>(() => DrillDecider.Decide(new CompleteFollowUp(Guid.NewGuid(), "?", "a", Drill.Now), completed));
    }
}

public sealed class TermsTests
{
    [Theory]
    [InlineData("2026-01-31T15:00:00Z", "2025-Autumn")]
    [InlineData("2026-01-31T16:00:00Z", "2026-Spring")] // 1 February in China
    [InlineData("2026-07-31T12:00:00Z", "2026-Spring")]
    [InlineData("2026-08-01T00:00:00Z", "2026-Autumn")]
    [InlineData("2026-12-31T00:00:00Z", "2026-Autumn")]
    public void A_term_runs_by_the_date_in_China(string at, string term) => Assert.Equal(term, Terms.Of(DateTimeOffset.Parse(at)));
}

internal static class Plan
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static SafetyPlan Submitted() => Given.State<SafetyPlan>(new SafetyPlanSubmitted(Guid.NewGuid(), Guid.NewGuid(), null, "510104",
        "研学", "博物馆", Now.AddDays(5), Now.AddDays(5).AddHours(6), 100, "大巴", Now));
}

public sealed class ApproveSafetyPlanTests
{
    [Fact]
    public void A_submitted_plan_is_approved_once_before_the_activity_starts()
    {
        var plan = Plan.Submitted();
        var approved = Assert.IsType<SafetyPlanApproved>(Assert.Single(SafetyPlanDecider.Decide(new ApproveSafetyPlan(null, "county", Plan.Now), plan)));
        Assert.Equal(plan.ActivityId, approved.ActivityId);
        Assert.Equal("plan-decided", Assert.Throws<RuleViolation>(() => SafetyPlanDecider.Decide(new ApproveSafetyPlan(null, "county", Plan.Now), plan.Apply(approved))).Code);
        Assert.Equal("activity-started", Assert.Throws<RuleViolation>(() => SafetyPlanDecider.Decide(new ApproveSafetyPlan(null, "county", Plan.Now.AddDays(6)), plan)).Code);
    }
}

public sealed class RejectSafetyPlanTests
{
    [Fact]
    public void A_rejection_carries_its_reasons()
    {
        Assert.Throws<RuleViolation>(() => SafetyPlanDecider.Decide(new RejectSafetyPlan(" ", "county", Plan.Now), Plan.Submitted()));
        Assert.Equal("缺带队教师", Assert.IsType<SafetyPlanRejected>(Assert.Single(
            SafetyPlanDecider.Decide(new RejectSafetyPlan(" 缺带队教师 ", "county", Plan.Now), Plan.Submitted()))).Reasons);
    }
}

internal static class Traffic
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static BusRoute Route(string name, params (string Stop, int Hour, int Minute)[] stops) =>
        new(name, null, stops.Select(s => new BusStop(s.Stop, new TimeOnly(s.Hour, s.Minute))).ToList());
}

public sealed class DrawUpTrafficPlanTests
{
    [Fact]
    public void The_plan_is_due_for_review_a_year_from_today_in_China()
    {
        var drawn = Assert.IsType<TrafficPlanDrawnUp>(Assert.Single(TrafficPlanDecider.Decide(new DrawUpTrafficPlan(Guid.NewGuid(), "510104", "方案",
            [Traffic.Route("1", ("A", 7, 0), ("B", 7, 30))], "a", new DateTimeOffset(2026, 11, 2, 20, 0, 0, TimeSpan.Zero)))));
        Assert.Equal(new DateOnly(2027, 11, 3), drawn.ReviewDueOn);
    }

    [Fact]
    public void Stops_run_in_time_order_and_routes_have_distinct_names()
    {
        Assert.Equal("route-times", Assert.Throws<RuleViolation>(() => TrafficPlanDecider.Decide(new DrawUpTrafficPlan(Guid.NewGuid(), "510104", "x",
            [Traffic.Route("1", ("A", 7, 30), ("B", 7, 30))], "a", Traffic.Now))).Code);
        Assert.Equal("route-twice", Assert.Throws<RuleViolation>(() => TrafficPlanDecider.Decide(new DrawUpTrafficPlan(Guid.NewGuid(), "510104", "x",
            [Traffic.Route("1", ("A", 7, 0), ("B", 7, 30)), Traffic.Route("1", ("C", 7, 0), ("D", 7, 30))], "a", Traffic.Now))).Code);
    }
}

public sealed class ReviseTrafficPlanTests
{
    [Fact]
    public void A_revision_keeps_the_review_date()
    {
        var plan = Given.State<TrafficPlan>(new TrafficPlanDrawnUp(Guid.NewGuid(), "510104", "旧", [], new DateOnly(2027, 1, 1), "a", Traffic.Now));
        var revised = plan.Apply(Assert.IsType<TrafficPlanRevised>(Assert.Single(TrafficPlanDecider.Decide(
            new ReviseTrafficPlan("新", [Traffic.Route("2", ("A", 16, 30), ("B", 17, 0))], "a", Traffic.Now), plan))));
        Assert.Equal("新", revised.Summary);
        Assert.Equal(new DateOnly(2027, 1, 1), revised.ReviewDueOn);
    }
}

public sealed class ReviewTrafficPlanTests
{
    [Fact]
    public void A_review_sets_the_next_a_year_on()
    {
        var plan = Given.State<TrafficPlan>(new TrafficPlanDrawnUp(Guid.NewGuid(), "510104", "旧", [], new DateOnly(2026, 1, 1), "a", Traffic.Now.AddYears(-1)));
        var reviewed = Assert.IsType<TrafficPlanReviewed>(Assert.Single(TrafficPlanDecider.Decide(new ReviewTrafficPlan("复核", "a", Traffic.Now), plan)));
        Assert.Equal(new DateOnly(2027, 11, 2), reviewed.NextReviewDueOn);
    }
}
