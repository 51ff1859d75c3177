using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.SupportPlans;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

public sealed class RecordReviewTests
{
    private static SupportPlan Plan() => SupportPlan.Create(new PlanOpened(Guid.NewGuid(), Given.Student, Given.School, "510104", "c1",
        Given.Cipher, Guid.NewGuid(), Given.Cipher, "c1", Given.Now.AddDays(-10)));

    [Fact]
    public void A_review_dated_before_the_plan_is_refused()
    {
        var plan = Plan();
        var error = Assert.Throws<RuleViolation>(() => SupportPlanDecider.Decide(new RecordReview(plan.Id, new DateOnly(2026, 11, 1), Given.Cipher, "c1", Given.Now), plan));
        Assert.Equal("review-before-plan", error.Code);
    }

    [Fact]
    public void A_review_after_the_plan_opened_is_recorded()
    {
        var plan = Plan();
        Assert.IsType<ReviewRecorded>(Assert.Single(SupportPlanDecider.Decide(new RecordReview(plan.Id, new DateOnly(2026, 11, 25), Given.Cipher, "c1", Given.Now), plan)));
    }
}

public sealed class ClosePlanTests
{
    [Fact]
    public void An_open_plan_is_closed_only_after_review()
    {
        var plan = SupportPlan.Create(new PlanOpened(Guid.NewGuid(), Given.Student, Given.School, "510104", "c1", Given.Cipher, Guid.NewGuid(), Given.Cipher, "c1", Given.Now.AddDays(-10)));
        Assert.Equal("plan-not-under-review", Assert.Throws<RuleViolation>(() => SupportPlanDecider.Decide(new ClosePlan(plan.Id, PlanOutcome.GoalsMet, null, "c1", Given.Now), plan)).Code);
        var reviewed = plan.Apply(new ReviewStarted(plan.Id, "c1", Given.Now)).Apply(new ReviewRecorded(plan.Id, new DateOnly(2026, 11, 27), Given.Cipher, "c1", Given.Now));
        Assert.IsType<PlanClosed>(Assert.Single(SupportPlanDecider.Decide(new ClosePlan(plan.Id, PlanOutcome.GoalsMet, null, "c1", Given.Now), reviewed)));
    }
}

public sealed class MakeReferralTests
{
    [Fact]
    public void A_unit_that_is_not_a_medical_member_of_the_alliance_is_refused() =>
        Assert.Equal("unit-not-medical-member", Assert.Throws<RuleViolation>(() => ReferralDecider.Decide(new MakeReferral(Guid.NewGuid(), Given.Student,
            Given.School, "510104", Guid.NewGuid(), Urgency.Routine, Given.Cipher, false, "c1", Given.Now))).Code);

    [Fact]
    public void A_medical_member_is_referred_to() =>
        Assert.IsType<ReferralMade>(Assert.Single(ReferralDecider.Decide(new MakeReferral(Guid.NewGuid(), Given.Student,
            Given.School, "510104", Guid.NewGuid(), Urgency.Urgent, Given.Cipher, true, "c1", Given.Now))));
}

public sealed class DetectOverdueReferralTests
{
    [Fact]
    public void Each_step_past_its_sla_is_reported_once()
    {
        var id = Guid.NewGuid();
        var referral = Referral.Create(new ReferralMade(id, Given.Student, Given.School, "510104", Guid.NewGuid(), Urgency.Routine, Given.Cipher, "c1", Given.Now));
        var sla = new ReferralSla();
        Assert.Empty(ReferralDecider.Decide(new DetectOverdueReferral(id, sla, Given.Now.AddDays(1)), referral));
        var overdue = Assert.IsType<ReferralOverdueDetected>(Assert.Single(ReferralDecider.Decide(new DetectOverdueReferral(id, sla, Given.Now.AddDays(3)), referral)));
        Assert.Equal(ReferralStep.Acceptance, overdue.Step);
        Assert.Empty(ReferralDecider.Decide(new DetectOverdueReferral(id, sla, Given.Now.AddDays(4)), referral.Apply(overdue)));
    }
}

public sealed class CrisisChainTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static CrisisEscalation Started(out Guid id)
    {
        id = Guid.NewGuid();
        var events = CrisisDecider.Decide(new StartCrisis(id, Given.Student, Given.School, "510104", CrisisTrigger.RedTier, "c1", "screening", Window, Given.Now));
        return CrisisEscalation.Create((CrisisStarted)events[0]).Apply((CrisisLevelNotified)events[1]);
    }

    [Fact]
    public void Acknowledging_a_level_tells_the_next()
    {
        var crisis = Started(out var id);
        var events = CrisisDecider.Decide(new AcknowledgeCrisis(id, CrisisLevel.Counsellor, "c1", Window, Given.Now.AddMinutes(1)), crisis);
        Assert.IsType<CrisisStepAcknowledged>(events[0]);
        Assert.Equal(CrisisLevel.Principal, Assert.IsType<CrisisLevelNotified>(events[1]).Level);
    }

    [Fact]
    public void An_unacknowledged_level_escalates_once()
    {
        var crisis = Started(out var id);
        Assert.Empty(CrisisDecider.Decide(new EscalateUnacknowledged(id, Window, Given.Now.AddMinutes(10)), crisis));
        var events = CrisisDecider.Decide(new EscalateUnacknowledged(id, Window, Given.Now.AddMinutes(16)), crisis);
        Assert.Equal(CrisisLevel.Counsellor, Assert.IsType<CrisisStepUnacknowledged>(events[0]).Level);
        Assert.Equal(CrisisLevel.Principal, Assert.IsType<CrisisLevelNotified>(events[1]).Level);
        var after = crisis.Apply((CrisisStepUnacknowledged)events[0]).Apply((CrisisLevelNotified)events[1]);
        Assert.Empty(CrisisDecider.Decide(new EscalateUnacknowledged(id, Window, Given.Now.AddMinutes(17)), after));
    }

    [Fact]
    public void A_level_not_reached_cannot_acknowledge() =>
        Assert.Equal("level-not-reached", Assert.Throws<RuleViolation>(() =>
            CrisisDecider.Decide(new AcknowledgeCrisis(Guid.NewGuid(), CrisisLevel.County, "x", Window, Given.Now), Started(out _))).Code);
}
