using JiaoLianTi.ParentSchool.Meetings;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

internal static class Meetings
{
    public static ParentMeeting Scheduled() => ParentMeeting.Create(new ParentMeetingScheduled(Guid.NewGuid(), Guid.NewGuid(), "510104",
        "期中家长会 Mid-term meeting", 4, "四年级二班", "学校礼堂", Given.Now.AddHours(1), "teacher", Given.Now));

    public static HomeVisit Visit() => HomeVisit.Create(new HomeVisitScheduled(Guid.NewGuid(), Guid.NewGuid(), "510104", Guid.NewGuid(),
        "了解学习情况 / learning at home", Given.Now.AddHours(1), "teacher", Given.Now));
}

public sealed class ScheduleParentMeetingTests
{
    [Fact]
    public void A_meeting_is_scheduled_once()
    {
        var e = new ParentMeetingScheduled(Guid.NewGuid(), Guid.NewGuid(), "510104", "t", null, null, "l", Given.Now.AddDays(1), "t", Given.Now);

        var state = ParentMeeting.Create(Assert.IsType<ParentMeetingScheduled>(Assert.Single(ParentMeetingDecider.Decide(e, null))));

        Assert.Equal(MeetingStatus.Scheduled, state.Status);
        Assert.Equal("meeting-exists", Assert.Throws<RuleViolation>(() => ParentMeetingDecider.Decide(e, state)).Code);
    }
}

public sealed class RecordMeetingAttendanceTests
{
    [Fact]
    public void Attendance_after_the_start_marks_the_meeting_held()
    {
        var meeting = Meetings.Scheduled();

        var recorded = Assert.IsType<ParentMeetingAttendanceRecorded>(Assert.Single(ParentMeetingDecider.Decide(
            new RecordMeetingAttendance(meeting.Id, 40, 36, null, "teacher", Given.Now.AddHours(2)), meeting)));

        var held = meeting.Apply(recorded);
        Assert.Equal((MeetingStatus.Held, 40, 36), (held.Status, held.Invited, held.Attended));
    }

    [Fact]
    public void Attendance_before_the_start_is_refused()
    {
        var meeting = Meetings.Scheduled();

        Assert.Equal("meeting-not-started", Assert.Throws<RuleViolation>(() => ParentMeetingDecider.Decide(
            new RecordMeetingAttendance(meeting.Id, 40, 36, null, "t", Given.Now), meeting)).Code);
    }

    [Fact]
    public void More_attended_than_invited_is_refused()
    {
        var meeting = Meetings.Scheduled();

        Assert.Equal("attended-exceeds-invited", Assert.Throws<RuleViolation>(() => ParentMeetingDecider.Decide(
            new RecordMeetingAttendance(meeting.Id, 10, 11, null, "t", Given.Now.AddHours(2)), meeting)).Code);
    }

    [Fact]
    public void A_cancelled_meeting_has_no_attendance()
    {
        var meeting = Meetings.Scheduled();
        meeting = meeting.Apply(new ParentMeetingCancelled(meeting.Id, "台风 typhoon", "t", Given.Now));

        Assert.Equal("meeting-cancelled", Assert.Throws<RuleViolation>(() => ParentMeetingDecider.Decide(
            new RecordMeetingAttendance(meeting.Id, 10, 5, null, "t", Given.Now.AddHours(2)), meeting)).Code);
    }
}

public sealed class CancelParentMeetingTests
{
    [Fact]
    public void A_scheduled_meeting_is_cancelled_with_its_reason()
    {
        var meeting = Meetings.Scheduled();

        var cancelled = Assert.IsType<ParentMeetingCancelled>(Assert.Single(ParentMeetingDecider.Decide(
            new CancelParentMeeting(meeting.Id, "台风 typhoon", "t", Given.Now), meeting)));

        Assert.Equal(MeetingStatus.Cancelled, meeting.Apply(cancelled).Status);
    }

    [Fact]
    public void A_held_meeting_is_not_cancelled()
    {
        var meeting = Meetings.Scheduled();
        meeting = meeting.Apply(new ParentMeetingAttendanceRecorded(meeting.Id, 3, 3, null, "t", Given.Now.AddHours(2)));

        Assert.Equal("meeting-held", Assert.Throws<RuleViolation>(() => ParentMeetingDecider.Decide(
            new CancelParentMeeting(meeting.Id, "x", "t", Given.Now), meeting)).Code);
    }
}

public sealed class RecordHomeVisitTests
{
    [Fact]
    public void A_visit_that_took_place_is_recorded_with_who_was_there()
    {
        var visit = Meetings.Visit();

        var recorded = Assert.IsType<HomeVisitRecorded>(Assert.Single(HomeVisitDecider.Decide(
            new RecordHomeVisit(visit.Id, ["母亲 mother"], "沟通良好 / good talk", "t", Given.Now.AddHours(2)), visit)));

        var done = visit.Apply(recorded);
        Assert.Equal(HomeVisitStatus.Done, done.Status);
        Assert.Equal(["母亲 mother"], done.FamilyPresent);
    }

    [Fact]
    public void A_visit_is_not_recorded_before_it_is_due_nor_twice()
    {
        var visit = Meetings.Visit();
        Assert.Equal("visit-not-due", Assert.Throws<RuleViolation>(() => HomeVisitDecider.Decide(
            new RecordHomeVisit(visit.Id, ["父亲"], "n", "t", Given.Now), visit)).Code);

        var done = visit.Apply(new HomeVisitRecorded(visit.Id, ["父亲"], "n", "t", Given.Now.AddHours(2)));
        Assert.Equal("visit-recorded", Assert.Throws<RuleViolation>(() => HomeVisitDecider.Decide(
            new RecordHomeVisit(visit.Id, ["父亲"], "n", "t", Given.Now.AddHours(3)), done)).Code);
    }
}

public sealed class CancelHomeVisitTests
{
    [Fact]
    public void A_planned_visit_is_cancelled_but_not_twice()
    {
        var visit = Meetings.Visit();

        var cancelled = visit.Apply(Assert.IsType<HomeVisitCancelled>(Assert.Single(HomeVisitDecider.Decide(
            new CancelHomeVisit(visit.Id, "家长出差 / family away", "t", Given.Now), visit))));

        Assert.Equal(HomeVisitStatus.Cancelled, cancelled.Status);
        Assert.Equal("visit-cancelled", Assert.Throws<RuleViolation>(() => HomeVisitDecider.Decide(
            new CancelHomeVisit(visit.Id, "x", "t", Given.Now), cancelled)).Code);
    }
}
