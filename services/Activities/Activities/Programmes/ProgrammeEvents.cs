using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Platform.PersonalData;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>Draft -> Open (parents enrol) -> Closed (enrolment ends, sessions go on); Cancelled from any.</summary>
public enum ProgrammeStatus { Draft, Open, Closed, Cancelled }

/// <summary>Who gives the programme: a member unit of an alliance with its resource, or the school's own staff.</summary>
public enum ProviderKind { MemberUnit, SchoolStaff }

public enum EnrolmentStatus { Enrolled, Waitlisted, Withdrawn }

/// <summary>
/// The provider of a programme. A member unit comes with the resource of the catalogue it offers (its alliance and
/// unit are the resource's); the school's own staff with a name such as "本校体育组".
/// </summary>
public record ProgrammeProvider(ProviderKind Kind, Guid? UnitId, Guid? AllianceId, Guid? ResourceId, string Name);

// Internal events of an after-school programme's stream (课后服务). Enrolments live in it too: one stream orders
// every place, so "never overbook" is a property of one stream, as for an activity's registrations.

/// <param name="Weekdays">The weekdays it meets, Monday to Friday.</param>
/// <param name="StartTime">China time, as the school's timetable says (e.g. 15:30).</param>
public record ProgrammeCreated(
    Guid ProgrammeId, Guid SchoolId, string CountyCode, string Term, string Title, IReadOnlyList<DayOfWeek> Weekdays,
    TimeOnly StartTime, TimeOnly EndTime, int Places, ProgrammeProvider Provider, IReadOnlyList<Dimension> Dimensions,
    Guid? BaseId, string CreatedBy, DateTimeOffset At);

/// <summary>
/// What the integration events of a programme say about it, carried by the events that leave the service so that
/// publishing them reads nothing else.
/// </summary>
public record ProgrammeFacts(
    Guid SchoolId, string CountyCode, string Term, string Title, IReadOnlyList<DayOfWeek> Weekdays, TimeOnly StartTime,
    TimeOnly EndTime, int Places, ProgrammeProvider Provider, IReadOnlyList<Dimension> Dimensions, Guid? BaseId);

public record ProgrammeOpened(Guid ProgrammeId, ProgrammeFacts Facts, string OpenedBy, DateTimeOffset At);

public record ProgrammeClosed(Guid ProgrammeId, string ClosedBy, DateTimeOffset At);

public record ProgrammeCancelled(Guid ProgrammeId, string Reason, string CancelledBy, DateTimeOffset At);

/// <summary>The provider left the alliance it offered the resource in: the programme is flagged for its school.</summary>
public record ProgrammeProviderLeft(Guid ProgrammeId, Guid SchoolId, Guid UnitId, Guid AllianceId, DateTimeOffset At);

/// <summary>The school chose another provider (or its own staff); a provider-left flag is lifted with it.</summary>
public record ProgrammeProviderChanged(Guid ProgrammeId, ProgrammeProvider Provider, string ChangedBy, DateTimeOffset At);

/// <summary>
/// A student enrolled for the whole term in a place. <see cref="Sequence"/> orders every enrolment of the programme.
/// <paramref name="Student"/>'s name and class are sealed with the student's key (empty in the stored event).
/// </summary>
public record StudentEnrolled(
    Guid ProgrammeId, Guid StudentId, long Sequence, EnrolledStudent Student, string EnrolledBy, DateTimeOffset At);

/// <summary>No place was left: the student waits, in the order of <paramref name="Sequence"/>.</summary>
public record StudentWaitlisted(
    Guid ProgrammeId, Guid StudentId, long Sequence, EnrolledStudent Student, string EnrolledBy, DateTimeOffset At);

/// <summary>A place came free and the first student waiting took it.</summary>
public record EnrolmentPromoted(Guid ProgrammeId, Guid StudentId, DateTimeOffset At);

/// <summary><paramref name="Was"/>: what the enrolment was before (a place frees only if it held one).</summary>
public record EnrolmentWithdrawn(Guid ProgrammeId, Guid StudentId, EnrolmentStatus Was, string WithdrawnBy, DateTimeOffset At);

/// <summary>
/// 考勤: who was present at one session (a date). Recorded again, it replaces the earlier record;
/// <paramref name="WasPresent"/> is who the earlier record had (empty the first time).
/// </summary>
/// <paramref name="Held"/>: the session as it counts for the provider's hours (who gave it, how long), with the school.
public record SessionAttendanceRecorded(
    Guid ProgrammeId, DateOnly Date, IReadOnlyList<Guid> Present, IReadOnlyList<Guid> WasPresent, bool First,
    SessionHeld Held, string RecordedBy, DateTimeOffset At);

public record SessionHeld(Guid SchoolId, string CountyCode, string Term, decimal Hours, ProgrammeProvider Provider);

/// <summary>
/// What Activities keeps about an enrolled student: the name and class the parent gave, for the roster and the
/// attendance sheet. In a command they are plain; in a stored event they are empty and <see cref="Personal"/> holds
/// them sealed with the student's key from the personal-data vault, so that erasing the student erases them.
/// </summary>
public record EnrolledStudent(string DisplayName, string? ClassName, Sealed? Personal = null)
{
    public EnrolledStudent SealedWith(byte[] key, Guid keyId) =>
        new("", null, PersonalDataVault.Seal(key, keyId, new EnrolledPersonal(DisplayName, ClassName)));
}

/// <summary>The sealed part of <see cref="EnrolledStudent"/>.</summary>
public sealed record EnrolledPersonal(string DisplayName, string? ClassName);
