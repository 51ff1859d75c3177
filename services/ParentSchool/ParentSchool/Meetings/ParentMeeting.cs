using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.ParentSchool.Meetings;

public enum MeetingStatus { Scheduled, Held, Cancelled }

/// <summary>家长会 scheduled by a school or a teacher, for a grade or a class or the whole school.</summary>
public record ParentMeetingScheduled(
    Guid MeetingId, Guid SchoolId, string CountyCode, string Title, int? Grade, string? ClassName, string Location,
    DateTimeOffset StartsAt, string ScheduledBy, DateTimeOffset At);

/// <summary>Attendance, as figures: how many families were invited, how many came.</summary>
public record ParentMeetingAttendanceRecorded(
    Guid MeetingId, int Invited, int Attended, string? Notes, string RecordedBy, DateTimeOffset At);

public record ParentMeetingCancelled(Guid MeetingId, string Reason, string CancelledBy, DateTimeOffset At);

public sealed record ParentMeeting(
    Guid Id, Guid SchoolId, string CountyCode, string Title, int? Grade, string? ClassName, string Location,
    DateTimeOffset StartsAt, string ScheduledBy, MeetingStatus Status, int? Invited, int? Attended, string? Notes,
    string? CancellationReason)
{
    public long Version { get; set; }
    /// <summary>The school's name beside its id, in lists (from the replica of Alliances' facts); never stored.</summary>
    public string? SchoolName { get; init; }

    public static ParentMeeting Create(ParentMeetingScheduled e) =>
        new(e.MeetingId, e.SchoolId, e.CountyCode, e.Title, e.Grade, e.ClassName, e.Location, e.StartsAt, e.ScheduledBy,
            MeetingStatus.Scheduled, null, null, null, null);

    public ParentMeeting Apply(ParentMeetingAttendanceRecorded e) =>
        this with { Status = MeetingStatus.Held, Invited = e.Invited, Attended = e.Attended, Notes = e.Notes };

    public ParentMeeting Apply(ParentMeetingCancelled e) => this with { Status = MeetingStatus.Cancelled, CancellationReason = e.Reason };
}

public record RecordMeetingAttendance(Guid MeetingId, int Invited, int Attended, string? Notes, string By, DateTimeOffset Now);

public record CancelParentMeeting(Guid MeetingId, string Reason, string By, DateTimeOffset Now);

public static class ParentMeetingDecider
{
    public static IReadOnlyList<object> Decide(ParentMeetingScheduled command, ParentMeeting? state) => state switch
    {
        null => [command],
        _ => throw new RuleViolation("meeting-exists", "家长会已存在 / The meeting already exists."),
    };

    /// <summary>Attendance is recorded once the meeting has begun; recording again corrects the figures.</summary>
    public static IReadOnlyList<object> Decide(RecordMeetingAttendance command, ParentMeeting state)
    {
        if (state.Status == MeetingStatus.Cancelled)
        {
            throw new RuleViolation("meeting-cancelled", "家长会已取消 / The meeting was cancelled.");
        }
        if (command.Now < state.StartsAt)
        {
            throw new RuleViolation("meeting-not-started", "家长会尚未开始，不能登记出席 / The meeting has not begun: attendance comes after.");
        }
        if (command.Attended > command.Invited)
        {
            throw new RuleViolation("attended-exceeds-invited", "出席人数不能多于邀请人数 / More attended than were invited.");
        }
        return [new ParentMeetingAttendanceRecorded(command.MeetingId, command.Invited, command.Attended, command.Notes, command.By, command.Now)];
    }

    public static IReadOnlyList<object> Decide(CancelParentMeeting command, ParentMeeting state) => state.Status switch
    {
        MeetingStatus.Cancelled => throw new RuleViolation("meeting-cancelled", "家长会已取消 / The meeting was already cancelled."),
        MeetingStatus.Held => throw new RuleViolation("meeting-held", "家长会已召开，不能取消 / The meeting was held: it cannot be cancelled."),
        _ => [new ParentMeetingCancelled(command.MeetingId, command.Reason, command.By, command.Now)],
    };
}
