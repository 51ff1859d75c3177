using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.SupportPlans;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

public sealed class AssignCareCategoryTests
{
    [Fact]
    public void A_category_is_assigned_once_with_its_source()
    {
        var e = Assert.IsType<CareCategoryAssigned>(Assert.Single(ChildDecider.Decide(
            new AssignCareCategory(Given.Student, CareCategory.MigrantChild, CareSource.Community, "c1", Given.Now), Given.Child())));
        Assert.Equal(CareSource.Community, e.Source);
        Assert.Equal("category-assigned", Assert.Throws<RuleViolation>(() => ChildDecider.Decide(
            new AssignCareCategory(Given.Student, CareCategory.MigrantChild, CareSource.School, "c1", Given.Now), Given.Child().Apply(e))).Code);
    }
}

public sealed class RecordFollowUpTests
{
    [Fact]
    public void A_child_without_a_care_category_has_no_follow_up() =>
        Assert.Equal("no-care-category", Assert.Throws<RuleViolation>(() =>
            ChildDecider.Decide(new RecordFollowUp(Given.Student, new DateOnly(2026, 11, 27), null, "c1", Given.Now), Given.Child())).Code);
}

public sealed class EraseChildTests
{
    [Fact]
    public void Erasure_happens_once()
    {
        var erased = Assert.IsType<ChildErased>(Assert.Single(ChildDecider.Decide(new EraseChild(Given.Student, ErasureReason.PurposeEnded, "a", Given.Now), Given.Child())));
        Assert.Empty(ChildDecider.Decide(new EraseChild(Given.Student, ErasureReason.RetentionExpired, "retention", Given.Now), Given.Child().Apply(erased)));
        Assert.Null(Given.Child().Apply(erased).Details);
    }
}

public sealed class RevokeAccessTests
{
    [Fact]
    public void A_revoked_grant_no_longer_opens_the_record()
    {
        var grantId = Guid.NewGuid();
        var child = Given.Child().Apply(new AccessGranted(Given.Student, grantId, "t1", Given.Cipher, Given.Now.AddDays(3), "a", Given.Now));
        Assert.NotNull(child.ActiveGrant("t1", Given.Now));
        var revoked = Assert.IsType<AccessRevoked>(Assert.Single(ChildDecider.Decide(new RevokeAccess(Given.Student, grantId, "a", Given.Now), child)));
        Assert.Null(child.Apply(revoked).ActiveGrant("t1", Given.Now));
        Assert.Null(child.ActiveGrant("t1", Given.Now.AddDays(4)));
    }
}

public sealed class OpenPlanTests
{
    [Fact]
    public void A_proposal_opens_once()
    {
        var id = Guid.NewGuid();
        var proposed = SupportPlan.Create(new PlanProposed(id, Given.Student, Given.School, "510104", "BullyingTarget", id, "campussafety", Given.Now));
        var open = new OpenPlan(id, Given.Student, Given.School, "510104", "c1", Given.Cipher, Guid.NewGuid(), Given.Cipher, "c1", Given.Now);
        var opened = Assert.IsType<PlanOpened>(Assert.Single(SupportPlanDecider.Decide(open, proposed)));
        Assert.Equal("plan-opened", Assert.Throws<RuleViolation>(() => SupportPlanDecider.Decide(open, proposed.Apply(opened))).Code);
    }
}

public sealed class AddMeasureTests
{
    [Fact]
    public void A_measure_due_before_the_plan_is_refused()
    {
        var plan = SupportPlan.Create(new PlanOpened(Guid.NewGuid(), Given.Student, Given.School, "510104", "c1", Given.Cipher, Guid.NewGuid(), Given.Cipher, "c1", Given.Now));
        Assert.Equal("measure-before-plan", Assert.Throws<RuleViolation>(() =>
            SupportPlanDecider.Decide(new AddMeasure(plan.Id, Guid.NewGuid(), Given.Cipher, Party.Family, new DateOnly(2026, 1, 1), "c1", Given.Now), plan)).Code);
        Assert.IsType<MeasureAdded>(Assert.Single(SupportPlanDecider.Decide(
            new AddMeasure(plan.Id, Guid.NewGuid(), Given.Cipher, Party.Community, new DateOnly(2026, 12, 15), "c1", Given.Now), plan)));
    }
}

public sealed class ReferralStepTests
{
    [Fact]
    public void Steps_run_in_order_and_only_the_referred_unit_acts()
    {
        var unit = Guid.NewGuid();
        var id = Guid.NewGuid();
        var referral = Referral.Create(new ReferralMade(id, Given.Student, Given.School, "510104", unit, Urgency.Routine, Given.Cipher, "c1", Given.Now.AddDays(-2)));
        Assert.Throws<ForbiddenException>(() => ReferralDecider.Decide(new AcceptReferral(id, Guid.NewGuid(), "o", Given.Now), referral));
        Assert.Equal("referral-step", Assert.Throws<RuleViolation>(() => ReferralDecider.Decide(new RecordSeen(id, unit, new DateOnly(2026, 11, 27), "o", Given.Now), referral)).Code);
        var accepted = referral.Apply((ReferralAccepted)ReferralDecider.Decide(new AcceptReferral(id, unit, "o", Given.Now.AddDays(-1)), referral)[0]);
        var seen = accepted.Apply((ReferralSeen)ReferralDecider.Decide(new RecordSeen(id, unit, new DateOnly(2026, 11, 28), "o", Given.Now), accepted)[0]);
        Assert.Equal("return-before-visit", Assert.Throws<RuleViolation>(() =>
            ReferralDecider.Decide(new ReturnToSchool(id, new DateOnly(2026, 11, 1), Given.Cipher, "c1", Given.Now), seen)).Code);
        Assert.IsType<ReturnedToSchool>(Assert.Single(ReferralDecider.Decide(new ReturnToSchool(id, new DateOnly(2026, 11, 30), Given.Cipher, "c1", Given.Now), seen)));
    }

    [Fact]
    public void An_urgent_referral_has_a_quarter_of_the_sla() =>
        Assert.Equal(TimeSpan.FromHours(12), new ReferralSla().For(ReferralStep.Acceptance, Urgency.Urgent));
}

public sealed class ResolveCrisisTests
{
    [Fact]
    public void A_crisis_nobody_acknowledged_cannot_be_resolved()
    {
        var id = Guid.NewGuid();
        var events = CrisisDecider.Decide(new StartCrisis(id, Given.Student, Given.School, "510104", CrisisTrigger.CounsellorCall, "c1", "c1", TimeSpan.FromMinutes(15), Given.Now));
        var crisis = CrisisEscalation.Create((CrisisStarted)events[0]).Apply((CrisisLevelNotified)events[1]);
        Assert.Equal("not-acknowledged", Assert.Throws<RuleViolation>(() => CrisisDecider.Decide(new ResolveCrisis(id, "c1", Given.Now), crisis)).Code);
        var acked = crisis.Apply(new CrisisStepAcknowledged(id, CrisisLevel.Counsellor, "c1", Given.Now));
        Assert.IsType<CrisisResolved>(Assert.Single(CrisisDecider.Decide(new ResolveCrisis(id, "c1", Given.Now), acked)));
    }
}
