using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using Xunit;
using static JiaoLianTi.Activities.Tests.Deciders.Given;

namespace JiaoLianTi.Activities.Tests.Deciders;

/// <summary>No new activity under a suspended or dissolved alliance; those still to come under it are flagged.</summary>
public sealed class AllianceStatusTests
{
    private static DraftActivity Draft(KnownAllianceStatus? status) =>
        new(Id, ActivityKind.CommunityClass, null, Guid.NewGuid(), null, "社区课堂", "社区中心", false, Now.AddDays(2),
            Now.AddDays(2).AddHours(2), 20, 6, 14, "510104", [], "county", Now, status);

    [Fact]
    public void A_dissolved_or_suspended_alliance_takes_no_new_activity()
    {
        Assert.Equal("alliance-dissolved", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(Draft(KnownAllianceStatus.Dissolved), null)).Code);
        Assert.Equal("alliance-suspended", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(Draft(KnownAllianceStatus.Suspended), null)).Code);
        Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(Draft(KnownAllianceStatus.Established), null)));
        Assert.Equal("alliance-dissolved", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(
            new OpenActivity(Id, 1, null, "a", Now, KnownAllianceStatus.Dissolved), State(Drafted()))).Code);
    }

    [Fact]
    public void Suspension_flags_reestablishment_lifts_and_dissolution_stays()
    {
        var alliance = Guid.NewGuid();
        var open = Open();
        var flagged = Assert.IsType<ActivityAllianceFlagged>(Assert.Single(ActivityDecider.Decide(
            new ReflectAllianceStatus(Id, alliance, KnownAllianceStatus.Suspended, Now), open)));
        Assert.Equal(AllianceFlag.Suspended, flagged.Flag);
        var suspended = open.Then(flagged);
        Assert.Empty(ActivityDecider.Decide(new ReflectAllianceStatus(Id, alliance, KnownAllianceStatus.Suspended, Now), suspended));
        Assert.IsType<ActivityAllianceFlagCleared>(Assert.Single(ActivityDecider.Decide(
            new ReflectAllianceStatus(Id, alliance, KnownAllianceStatus.Established, Now), suspended)));

        var dissolved = suspended.Then(new ActivityAllianceFlagged(Id, alliance, AllianceFlag.Dissolved, Now));
        Assert.Equal(AllianceFlag.Dissolved, dissolved.AllianceFlag);
        Assert.Empty(ActivityDecider.Decide(new ReflectAllianceStatus(Id, alliance, KnownAllianceStatus.Established, Now), dissolved));
        // An established alliance leaves an unflagged activity alone, and a cancelled one is never flagged.
        Assert.Empty(ActivityDecider.Decide(new ReflectAllianceStatus(Id, alliance, KnownAllianceStatus.Established, Now), open));
        var cancelled = open.Then(new ActivityCancelled(Id, "天气", "a", Now));
        Assert.Empty(ActivityDecider.Decide(new ReflectAllianceStatus(Id, alliance, KnownAllianceStatus.Dissolved, Now), cancelled));
    }
}

/// <summary>A venue's capacity is shared by the activities that overlap in time at it.</summary>
public sealed class VenueCapacityTests
{
    [Fact]
    public void Opening_fits_what_the_venue_has_left_at_that_time()
    {
        var state = State(Drafted(seats: 2));
        Assert.IsType<ActivityOpened>(Assert.Single(ActivityDecider.Decide(new OpenActivity(Id, 1, null, "a", Now, Venue: new VenueLoad(40, 38)), state)));
        var refused = Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(new OpenActivity(Id, 1, null, "a", Now, Venue: new VenueLoad(40, 39)), state));
        Assert.Equal("venue-capacity-taken", refused.Code);
        Assert.Contains("39", refused.Message);
    }
}

/// <summary>An unreviewed safety plan: the school is told before the start, and at the start the activity is cancelled.</summary>
public sealed class SafetyPlanReviewTests
{
    private static readonly TimeSpan Notice = TimeSpan.FromHours(48);
    private static Activity Awaiting() => State(Drafted(offCampus: true), new SafetyPlanRequested(Id, Facts, "大巴", "a", Now));
    private static DateTimeOffset Start => Awaiting().StartsAt;

    [Fact]
    public void The_school_is_told_once_at_the_notice_time()
    {
        Assert.Empty(ActivityDecider.Decide(new CheckSafetyPlanReview(Id, Notice, Start - Notice - TimeSpan.FromMinutes(1)), Awaiting()));
        var reminder = Assert.IsType<SafetyPlanReviewReminderSent>(Assert.Single(ActivityDecider.Decide(new CheckSafetyPlanReview(Id, Notice, Start - Notice), Awaiting())));
        Assert.Equal(Start, reminder.Deadline);
        Assert.Empty(ActivityDecider.Decide(new CheckSafetyPlanReview(Id, Notice, Start - TimeSpan.FromHours(1)), Awaiting().Then(reminder)));
    }

    [Fact]
    public void At_the_start_the_activity_is_cancelled_with_a_reason()
    {
        var cancelled = Assert.IsType<ActivityCancelled>(Assert.Single(ActivityDecider.Decide(new CheckSafetyPlanReview(Id, Notice, Start), Awaiting())));
        Assert.Equal(ActivityDecider.SafetyPlanNotReviewedReason, cancelled.Reason);
        // An approved (open) activity is left alone.
        var open = Awaiting().Then(new SafetyPlanApproved(Id, Guid.NewGuid(), Now)).Then(new ActivityOpened(Id, Facts, Now));
        Assert.Empty(ActivityDecider.Decide(new CheckSafetyPlanReview(Id, Notice, Start), open));
    }
}

/// <summary>Only the guardian who consented withdraws it; the seat goes to the first on the waitlist.</summary>
public sealed class WithdrawConsentTests
{
    private static readonly Guid First = Guid.NewGuid(), Waiting = Guid.NewGuid();

    [Fact]
    public void The_guardian_who_consented_withdraws_and_the_waitlist_moves()
    {
        var state = Open(1, Confirmed(First, 1), Waitlisted(Waiting, 2));
        var events = RegistrationDecider.Decide(new WithdrawConsent(Id, First, 1, "parent", Now), state);
        Assert.IsType<ConsentWithdrawn>(events[0]);
        Assert.Equal(RegistrationStatus.Confirmed, Assert.IsType<RegistrationCancelled>(events[1]).Was);
        Assert.Equal(Waiting, Assert.IsType<WaitlistPromoted>(events[2]).StudentId);
        var after = events.Aggregate(state, (s, e) => s.Then(e));
        Assert.Equal(RegistrationStatus.Cancelled, after.Roster[First].Status);
        Assert.Equal(3, after.Roster[First].Version);
        Assert.Equal(RegistrationStatus.Confirmed, after.Roster[Waiting].Status);
    }

    [Fact]
    public void Another_guardian_a_registration_without_consent_and_a_cancelled_one_are_refused()
    {
        var state = Open(1, Confirmed(First, 1));
        Assert.Throws<ForbiddenException>(() => RegistrationDecider.Decide(new WithdrawConsent(Id, First, 1, "other-parent", Now), state));
        var noConsent = Open(1, new RegistrationConfirmed(Id, First, 1, Student(age: 15, consent: false), "teacher", Now));
        Assert.Equal("no-consent", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(new WithdrawConsent(Id, First, 1, "parent", Now), noConsent)).Code);
        var cancelled = state.Then(new RegistrationCancelled(Id, First, RegistrationStatus.Confirmed, "parent", Now));
        Assert.Equal("registration-cancelled", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(new WithdrawConsent(Id, First, 2, "parent", Now), cancelled)).Code);
    }
}
