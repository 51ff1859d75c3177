using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.SupportPlans;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

/// <summary>No plan without a record and consent: a proposal for an unrecorded child waits for the record.</summary>
public sealed class ProposalWaitsForRecordTests
{
    private static readonly Guid Plan = Guid.NewGuid();

    private static ProposePlan Propose(bool recorded) =>
        new(Plan, Given.Student, Given.School, "510104", "BullyingTarget", Plan, "campussafety", Given.Now, recorded);

    private static OpenPlan Open(bool recorded) =>
        new(Plan, Given.Student, Given.School, "510104", "c1", Given.Cipher, Guid.NewGuid(), Given.Cipher, "c1", Given.Now, recorded);

    [Fact]
    public void A_proposal_for_an_unrecorded_child_waits_and_cannot_be_opened()
    {
        var events = SupportPlanDecider.Decide(Propose(recorded: false), null);
        Assert.IsType<PlanProposed>(events[0]);
        Assert.IsType<PlanAwaitingRecord>(events[1]);
        var waiting = SupportPlan.Create((PlanProposed)events[0]).Apply((PlanAwaitingRecord)events[1]);
        Assert.Equal(PlanStatus.AwaitingRecord, waiting.Status);
        Assert.Equal("child-not-recorded", Assert.Throws<RuleViolation>(() => SupportPlanDecider.Decide(Open(recorded: false), waiting)).Code);
        Assert.Equal("child-not-recorded", Assert.Throws<RuleViolation>(() => SupportPlanDecider.Decide(Open(recorded: false), null)).Code);

        var released = Assert.IsType<PlanRecordReady>(Assert.Single(SupportPlanDecider.Decide(new ReleaseProposal(Plan, Given.Now), waiting)));
        var proposed = waiting.Apply(released);
        Assert.Equal(PlanStatus.Proposed, proposed.Status);
        Assert.Empty(SupportPlanDecider.Decide(new ReleaseProposal(Plan, Given.Now), proposed));
        Assert.IsType<PlanOpened>(Assert.Single(SupportPlanDecider.Decide(Open(recorded: true), proposed)));
    }

    [Fact]
    public void A_proposal_for_a_recorded_child_is_proposed_at_once() =>
        Assert.IsType<PlanProposed>(Assert.Single(SupportPlanDecider.Decide(Propose(recorded: true), null)));
}

/// <summary>A referral's steps: each deadline, and whether it is overdue; the receiving unit's contact grant.</summary>
public sealed class ReferralStepsTests
{
    private static readonly Guid Unit = Guid.NewGuid();

    private static Referral Made(DateTimeOffset at) => Referral.Create(Assert.IsType<ReferralMade>(Assert.Single(ReferralDecider.Decide(
        new MakeReferral(Guid.NewGuid(), Given.Student, Given.School, "510104", Unit, Urgency.Routine, Given.Cipher, true, "c1", at,
            TimeSpan.FromDays(20))))));

    [Fact]
    public void Each_step_has_its_deadline_once_the_step_before_is_done()
    {
        var sla = new ReferralSla();
        var referral = Made(Given.Now);
        var steps = referral.Steps(sla, Given.Now.AddDays(1));
        Assert.Equal(Given.Now.AddDays(2), steps[0].DueAt);
        Assert.False(steps[0].Overdue);
        Assert.Null(steps[1].DueAt);
        Assert.Null(steps[2].DueAt);
        Assert.True(referral.Steps(sla, Given.Now.AddDays(3))[0].Overdue);

        var accepted = referral.Apply(new ReferralAccepted(referral.Id, Unit, "h", Given.Now.AddDays(3)));
        var after = accepted.Steps(sla, Given.Now.AddDays(4));
        Assert.True(after[0].Overdue); // accepted late: stays marked
        Assert.Equal(Given.Now.AddDays(3), after[0].DoneAt);
        Assert.Equal(Given.Now.AddDays(10), after[1].DueAt);
        Assert.False(after[1].Overdue);
    }

    [Fact]
    public void The_contact_grant_is_the_receiving_units_for_this_referral_until_it_ends_or_the_child_returns()
    {
        var referral = Made(Given.Now);
        var grant = Assert.IsType<ContactGrant>(referral.Contact);
        Assert.Equal(Given.Now.AddDays(20), grant.Until);
        Assert.NotNull(referral.ActiveContact(Unit, Given.Now.AddDays(19)));
        Assert.Null(referral.ActiveContact(Unit, Given.Now.AddDays(20)));
        Assert.Null(referral.ActiveContact(Guid.NewGuid(), Given.Now.AddDays(1)));
        var returned = referral with { Status = ReferralStatus.Returned };
        Assert.Null(returned.ActiveContact(Unit, Given.Now.AddDays(1)));
    }
}

/// <summary>Follow-ups show their next due date; figures suppress small counts.</summary>
public sealed class FollowUpDueAndFiguresTests
{
    [Fact]
    public void The_next_follow_up_is_due_one_interval_after_the_last()
    {
        var child = Given.Child().Apply(new CareCategoryAssigned(Given.Student, CareCategory.LeftBehindChild, CareSource.CivilAffairs, "a", Given.Now));
        var intervals = new WellbeingOptions().FollowUpIntervals();
        var due = Assert.Single(FollowUpDue.Of(child, intervals, Given.Now.AddDays(31)));
        Assert.Equal(Given.Now.AddDays(30), due.NextDueAt);
        Assert.True(due.Overdue);
        Assert.Equal(Given.Now.AddDays(30), ChildSummary.Of(child, intervals).NextFollowUpDue);
    }

    [Theory]
    [InlineData(1, "<5")]
    [InlineData(4, "<5")]
    [InlineData(5, "5")]
    [InlineData(12, "12")]
    public void Counts_under_five_are_shown_as_under_five(int count, string shown) =>
        Assert.Equal(shown, CareFiguresApi.Suppressed(count));
}
