using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Meetings;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

public sealed class PublishResourceTests
{
    private static PublishResource Command(Alliance alliance, MemberUnit unit) =>
        new(Guid.NewGuid(), alliance, unit, ResourceKind.Venue, " 科技馆展厅 ", ["VenueSchool", "VenueSchool"], 60, "周末", "a", Now);

    [Fact]
    public void A_member_publishes_with_the_alliances_county_and_distinct_topics()
    {
        var unit = Unit(MemberUnitKind.ScienceCentre);
        var e = Assert.IsType<ResourcePublished>(Assert.Single(ResourceDecider.Decide(Command(Alliance().Joined(unit), unit), null)));
        Assert.Equal(("科技馆展厅", County, 60), (e.Title, e.CountyCode, e.Capacity));
        Assert.Equal(["VenueSchool"], e.Topics);
    }

    [Fact]
    public void A_non_member_or_an_alliance_not_established_publishes_nothing()
    {
        var unit = Unit();
        Assert.Equal("unit-not-member", Refusal(() => ResourceDecider.Decide(Command(Alliance(), unit), null)));
        Assert.Equal("alliance-not-established", Refusal(() => ResourceDecider.Decide(Command(Alliance().Joined(unit).Suspended(), unit), null)));
    }
}

public sealed class WithdrawResourceTests
{
    [Fact]
    public void A_published_resource_is_withdrawn_once()
    {
        var unit = Unit();
        var resource = Resource.Create((ResourcePublished)ResourceDecider.Decide(
            new PublishResource(Guid.NewGuid(), Alliance().Joined(unit), unit, ResourceKind.Course, "课", ["FamilySchool"], 5, "", "a", Now), null)[0]);
        var withdrawn = Assert.IsType<ResourceWithdrawn>(Assert.Single(ResourceDecider.Decide(new WithdrawResource(resource.Id, "停用", "a", Now), resource)));
        Assert.Equal("resource-withdrawn", Refusal(() => ResourceDecider.Decide(new WithdrawResource(resource.Id, "x", "a", Now), resource.Apply(withdrawn))));
    }
}

internal static class Needs
{
    public static readonly MemberUnit School = Unit();
    public static readonly MemberUnit Police = Unit(MemberUnitKind.PoliceStation);
    public static readonly Alliance Alliance = Given.Alliance().Joined(School).Joined(Police);

    public static Need Raised() => Need.Create((NeedRaised)NeedDecider.Decide(
        new RaiseNeed(Guid.NewGuid(), Alliance, School.Id, NeedCategory.Safety, " 路口拥堵 ", "school", Now), null)[0]);

    public static Need Then(this Need need, IReadOnlyList<object> events) => events.Aggregate(need, (n, e) => e switch
    {
        NeedMatched x => n.Apply(x), NeedAccepted x => n.Apply(x), NeedDeclined x => n.Apply(x),
        NeedResolved x => n.Apply(x), NeedClosed x => n.Apply(x), NeedOffered x => n.Apply(x), _ => throw new ArgumentOutOfRangeException(nameof(events)),
    });

    public static Need Matched() => Raised() is var n ? n.Then(NeedDecider.Decide(new MatchNeed(n.Id, Alliance, Police.Id, null, "a", Now), n)) : null!;
    public static Need Accepted() => Matched() is var n ? n.Then(NeedDecider.Decide(new AcceptNeed(n.Id, Police.Id, "o", Now), n)) : null!;
}

public sealed class RaiseNeedTests
{
    [Fact]
    public void A_member_school_raises_a_need_in_its_alliances_county()
    {
        var need = Needs.Raised();
        Assert.Equal((NeedStatus.Raised, "路口拥堵", County), (need.Status, need.Description, need.CountyCode));
    }

    [Fact]
    public void A_school_that_is_not_a_member_or_a_suspended_alliance_is_refused()
    {
        Assert.Equal("school-not-member", Refusal(() => NeedDecider.Decide(
            new RaiseNeed(Guid.NewGuid(), Needs.Alliance, Guid.NewGuid(), NeedCategory.Other, "d", "s", Now), null)));
        Assert.Equal("alliance-not-established", Refusal(() => NeedDecider.Decide(
            new RaiseNeed(Guid.NewGuid(), Needs.Alliance.Suspended(), Needs.School.Id, NeedCategory.Other, "d", "s", Now), null)));
    }
}

public sealed class MatchNeedTests
{
    [Fact]
    public void A_need_is_matched_to_a_member()
    {
        var need = Needs.Matched();
        Assert.Equal((NeedStatus.Matched, Needs.Police.Id), (need.Status, need.MatchedUnitId));
    }

    [Fact]
    public void A_unit_that_is_not_a_member_or_a_withdrawn_resource_is_refused()
    {
        var need = Needs.Raised();
        Assert.Equal("unit-not-member", Refusal(() => NeedDecider.Decide(new MatchNeed(need.Id, Needs.Alliance, Guid.NewGuid(), null, "a", Now), need)));
        var resource = new Resource(Guid.NewGuid(), Guid.NewGuid(), Needs.Police.Id, ResourceKind.Expert, "r", [], 1, "", County,
            ResourceStatus.Published, Now);
        Assert.Equal("resource-unavailable", Refusal(() => NeedDecider.Decide(new MatchNeed(need.Id, Needs.Alliance, Needs.Police.Id, resource, "a", Now), need)));
    }
}

public sealed class AcceptNeedTests
{
    [Fact]
    public void The_matched_unit_accepts()
    {
        Assert.Equal(NeedStatus.Accepted, Needs.Accepted().Status);
    }

    [Fact]
    public void Another_unit_may_not_accept()
    {
        var need = Needs.Matched();
        Assert.Equal("need-not-assigned-to-you", Refusal(() => NeedDecider.Decide(new AcceptNeed(need.Id, Guid.NewGuid(), "o", Now), need)));
        Assert.Equal("need-not-assigned-to-you", Refusal(() => NeedDecider.Decide(new AcceptNeed(need.Id, null, "o", Now), need)));
    }
}

public sealed class DeclineNeedTests
{
    [Fact]
    public void A_decline_reopens_the_need_and_remembers_who_declined()
    {
        var need = Needs.Matched();
        var after = need.Then(NeedDecider.Decide(new DeclineNeed(need.Id, Needs.Police.Id, "无力承接", "o", Now), need));
        Assert.Equal((NeedStatus.Raised, (Guid?)null), (after.Status, after.MatchedUnitId));
        Assert.Equal([Needs.Police.Id], after.DeclinedBy);
    }
}

public sealed class ResolveNeedTests
{
    [Fact]
    public void Only_an_accepted_need_is_resolved_by_its_unit()
    {
        var need = Needs.Accepted();
        Assert.Equal(NeedStatus.Resolved, need.Then(NeedDecider.Decide(new ResolveNeed(need.Id, Needs.Police.Id, "已解决", "o", Now), need)).Status);
        var matched = Needs.Matched();
        Assert.Equal("need-wrong-status", Refusal(() => NeedDecider.Decide(new ResolveNeed(matched.Id, Needs.Police.Id, "x", "o", Now), matched)));
    }
}

public sealed class CloseNeedTests
{
    [Fact]
    public void The_school_closes_its_need_but_not_while_a_member_works_on_it()
    {
        var raised = Needs.Raised();
        Assert.Equal(NeedStatus.Closed, raised.Then(NeedDecider.Decide(new CloseNeed(raised.Id, Needs.School.Id, "s", Now), raised)).Status);
        Assert.Equal("not-your-need", Refusal(() => NeedDecider.Decide(new CloseNeed(raised.Id, Guid.NewGuid(), "s", Now), raised)));
        var accepted = Needs.Accepted();
        Assert.Equal("need-in-progress", Refusal(() => NeedDecider.Decide(new CloseNeed(accepted.Id, Needs.School.Id, "s", Now), accepted)));
    }
}

internal static class Duties
{
    public static readonly MemberUnit Police = Unit(MemberUnitKind.PoliceStation);
    public static readonly Alliance Alliance = Given.Alliance().Joined(Police);

    public static Responsibility Assigned(DateOnly dueOn, int sla = 0) => Responsibility.Create((ResponsibilityAssigned)ResponsibilityDecider.Decide(
        new AssignResponsibility(Guid.NewGuid(), Alliance, Police.Id, "护学岗", "", dueOn, sla, null, "a", Now), null)[0]);

    public static DateOnly Today => Responsibility.TodayInChina(Now);
}

public sealed class AssignResponsibilityTests
{
    [Fact]
    public void A_member_is_assigned_a_duty_with_its_deadline_in_china_time()
    {
        var duty = Duties.Assigned(Duties.Today.AddDays(2), sla: 3);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.FromHours(8)), duty.Deadline);
        Assert.Equal(ResponsibilityStatus.Assigned, duty.Status);
    }

    [Fact]
    public void A_due_date_in_the_past_or_a_unit_that_is_not_a_member_is_refused()
    {
        Assert.Equal("due-in-past", Refusal(() => Duties.Assigned(Duties.Today.AddDays(-1))));
        Assert.Equal("unit-not-member", Refusal(() => ResponsibilityDecider.Decide(new AssignResponsibility(
            Guid.NewGuid(), Duties.Alliance, Guid.NewGuid(), "x", "", Duties.Today, 0, null, "a", Now), null)));
        Assert.Equal(ResponsibilityStatus.Assigned, Duties.Assigned(Duties.Today).Status);
    }
}

public sealed class StartResponsibilityTests
{
    [Fact]
    public void The_unit_starts_once_and_no_other_unit_may()
    {
        var duty = Duties.Assigned(Duties.Today);
        var started = Assert.IsType<ResponsibilityStarted>(Assert.Single(ResponsibilityDecider.Decide(new StartResponsibility(duty.Id, Duties.Police.Id, "o", Now), duty)));
        Assert.Empty(ResponsibilityDecider.Decide(new StartResponsibility(duty.Id, Duties.Police.Id, "o", Now), duty.Apply(started)));
        Assert.Equal("responsibility-not-yours", Refusal(() => ResponsibilityDecider.Decide(new StartResponsibility(duty.Id, Guid.NewGuid(), "o", Now), duty)));
    }
}

public sealed class CompleteResponsibilityTests
{
    [Fact]
    public void The_unit_or_the_alliances_manager_marks_it_done_once()
    {
        var duty = Duties.Assigned(Duties.Today);
        var done = Assert.IsType<ResponsibilityDone>(Assert.Single(ResponsibilityDecider.Decide(
            new CompleteResponsibility(duty.Id, null, CallerManages: true, "ok", "admin", Now), duty)));
        Assert.Equal("responsibility-done", Refusal(() => ResponsibilityDecider.Decide(
            new CompleteResponsibility(duty.Id, Duties.Police.Id, false, "", "o", Now), duty.Apply(done))));
        Assert.Equal("responsibility-not-yours", Refusal(() => ResponsibilityDecider.Decide(
            new CompleteResponsibility(duty.Id, Guid.NewGuid(), false, "", "o", Now), duty)));
    }
}

public sealed class MarkOverdueTests
{
    [Fact]
    public void Past_its_deadline_a_duty_is_marked_overdue_and_escalated_once()
    {
        var duty = Duties.Assigned(Duties.Today, sla: 1);
        Assert.Empty(ResponsibilityDecider.Decide(new MarkOverdue(duty.Id, duty.Deadline.AddTicks(-1)), duty));

        var events = ResponsibilityDecider.Decide(new MarkOverdue(duty.Id, duty.Deadline), duty);
        Assert.IsType<ResponsibilityOverdue>(events[0]);
        Assert.Equal(County, Assert.IsType<ResponsibilityEscalated>(events[1]).CountyCode);

        var overdue = duty.Apply((ResponsibilityOverdue)events[0]).Apply((ResponsibilityEscalated)events[1]);
        Assert.Equal(ResponsibilityStatus.Overdue, overdue.Status);
        Assert.Empty(ResponsibilityDecider.Decide(new MarkOverdue(duty.Id, duty.Deadline.AddDays(9)), overdue));
    }

    [Fact]
    public void A_done_duty_is_never_overdue()
    {
        var duty = Duties.Assigned(Duties.Today);
        var done = duty.Apply(new ResponsibilityDone(duty.Id, "", "o", Now));
        Assert.Empty(ResponsibilityDecider.Decide(new MarkOverdue(duty.Id, duty.Deadline.AddDays(1)), done));
    }
}

public sealed class RecordMeetingTests
{
    [Fact]
    public void A_held_meeting_with_member_attendees_is_recorded()
    {
        var e = Assert.IsType<ConsultationMeetingHeld>(Assert.Single(MeetingDecider.Decide(new RecordMeeting(Guid.NewGuid(),
            Duties.Alliance, Duties.Today, "恳谈会", [Duties.Police.Id, Duties.Police.Id], "纪要", [], "a", Now), null)));
        Assert.Equal([Duties.Police.Id], e.AttendingUnitIds);
    }

    [Fact]
    public void A_future_meeting_or_a_stranger_attending_is_refused()
    {
        Assert.Equal("meeting-in-future", Refusal(() => MeetingDecider.Decide(new RecordMeeting(Guid.NewGuid(),
            Duties.Alliance, Duties.Today.AddDays(1), "t", [Duties.Police.Id], "m", [], "a", Now), null)));
        Assert.Equal("attendee-not-member", Refusal(() => MeetingDecider.Decide(new RecordMeeting(Guid.NewGuid(),
            Duties.Alliance, Duties.Today, "t", [Guid.NewGuid()], "m", [], "a", Now), null)));
    }
}
