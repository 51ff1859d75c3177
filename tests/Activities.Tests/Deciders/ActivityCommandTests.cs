using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.Http;
using Xunit;
using static JiaoLianTi.Activities.Tests.Deciders.Given;
using JiaoLianTi.Activities.Registrations;

namespace JiaoLianTi.Activities.Tests.Deciders;

public sealed class DraftActivityTests
{
    private static DraftActivity When(int seats, DateTimeOffset starts, ResourceTerms? resource = null) =>
        new(Id, ActivityKind.StudyTrip, Guid.NewGuid(), null, resource, "研学", "科技馆", true, starts, starts.AddHours(4),
            seats, 8, 14, "510104", [], "admin", Now);

    [Fact]
    public void Drafts_within_the_resources_capacity()
    {
        var resource = new ResourceTerms(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 40, false);
        var e = Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(When(40, Now.AddDays(1), resource), null)));
        Assert.Equal(resource.AllianceId, e.AllianceId);
        Assert.Equal(resource.UnitId, e.ResourceUnitId);
    }

    [Fact]
    public void Refuses_more_seats_than_the_resource_holds_a_withdrawn_resource_and_a_past_schedule()
    {
        var resource = new ResourceTerms(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 40, false);
        Assert.Equal("seats-over-capacity", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(When(41, Now.AddDays(1), resource), null)).Code);
        Assert.Equal("resource-withdrawn", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(When(10, Now.AddDays(1), resource with { Withdrawn = true }), null)).Code);
        Assert.Equal("schedule-in-past", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(When(10, Now.AddMinutes(-1)), null)).Code);
    }
}

public sealed class OpenActivityTests
{
    [Fact]
    public void On_campus_opens_at_once() =>
        Assert.IsType<ActivityOpened>(Assert.Single(ActivityDecider.Decide(new OpenActivity(Id, 1, null, "admin", Now), State(Drafted()))));

    [Fact]
    public void Off_campus_asks_for_the_safety_plan_first()
    {
        var state = State(Drafted(offCampus: true));
        Assert.Equal("safety-plan-arrangements-required", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(new OpenActivity(Id, 1, null, "a", Now), state)).Code);
        var e = Assert.IsType<SafetyPlanRequested>(Assert.Single(ActivityDecider.Decide(new OpenActivity(Id, 1, "大巴", "a", Now), state)));
        Assert.Equal("讲座", e.Facts.Title);
    }

    [Fact]
    public void A_stale_revision_is_refused() =>
        Assert.Throws<StaleVersion>(() => ActivityDecider.Decide(new OpenActivity(Id, 2, null, "admin", Now), State(Drafted())));
}

public sealed class SafetyPlanAnswerTests
{
    private static Activity Awaiting() => State(Drafted(offCampus: true), new SafetyPlanRequested(Id, Facts, "大巴", "a", Now));

    [Fact]
    public void Approval_opens_and_a_repeated_approval_changes_nothing()
    {
        var events = ActivityDecider.Decide(new ApproveSafetyPlan(Id, Guid.NewGuid(), Now), Awaiting());
        Assert.IsType<ActivityOpened>(events[1]);
        var open = events.Aggregate(Awaiting(), (s, e) => s.Then(e));
        Assert.Empty(ActivityDecider.Decide(new ApproveSafetyPlan(Id, Guid.NewGuid(), Now), open));
    }

    [Fact]
    public void Rejection_returns_to_draft_with_the_reasons()
    {
        var e = Assert.Single(ActivityDecider.Decide(new RejectSafetyPlan(Id, Guid.NewGuid(), "缺保险", Now), Awaiting()));
        var after = Awaiting().Then(e);
        Assert.Equal((ActivityStatus.Draft, "缺保险"), (after.Status, after.SafetyPlanRejection));
    }
}

public sealed class CloseCompleteCancelTests
{
    [Fact]
    public void Close_then_complete_after_the_start()
    {
        var open = Open();
        var closed = open.Then(Assert.Single(ActivityDecider.Decide(new CloseActivity(Id, 2, "a", Now), open)));
        Assert.Equal("not-started", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(new CompleteActivity(Id, 3, "a", Now), closed)).Code);
        Assert.IsType<ActivityCompleted>(Assert.Single(ActivityDecider.Decide(new CompleteActivity(Id, 3, "a", Now.AddDays(3)), closed)));
    }

    [Fact]
    public void Cancel_needs_a_reason_and_the_service_cancels_once()
    {
        Assert.Equal("reason-required", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(new CancelActivity(Id, 2, " ", "a", Now), Open())).Code);
        var cancelled = Open().Then(Assert.Single(ActivityDecider.Decide(new CancelActivity(Id, null, "资源撤回", "system", Now), Open())));
        Assert.Empty(ActivityDecider.Decide(new CancelActivity(Id, null, "资源撤回", "system", Now), cancelled));
        Assert.Equal("activity-status", Assert.Throws<RuleViolation>(() => ActivityDecider.Decide(new CancelActivity(Id, 3, "x", "a", Now), cancelled)).Code);
    }

    [Fact]
    public void A_cancellation_names_the_students_holding_or_waiting_for_a_seat_in_their_order_not_those_who_left()
    {
        Guid first = Guid.NewGuid(), left = Guid.NewGuid(), second = Guid.NewGuid(), waiting = Guid.NewGuid();
        var state = Open(2, Confirmed(first, 1), Confirmed(left, 2),
            new RegistrationCancelled(Id, left, RegistrationStatus.Confirmed, "parent", Now),
            Confirmed(second, 3), Waitlisted(waiting, 4));
        var cancelled = Assert.IsType<ActivityCancelled>(Assert.Single(ActivityDecider.Decide(new CancelActivity(Id, null, "暴雨", "a", Now), state)));
        Assert.Equal([first, second, waiting], cancelled.StudentIds);
        // Nobody registered: an empty list, not a missing one.
        Assert.Empty(Assert.IsType<ActivityCancelled>(Assert.Single(ActivityDecider.Decide(new CancelActivity(Id, null, "暴雨", "a", Now), Open()))).StudentIds!);
    }
}
