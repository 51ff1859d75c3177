using System.Collections.Immutable;
using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>One student's place in a programme: <paramref name="Version"/> is that enrolment's own ETag.</summary>
public sealed record Place(EnrolmentStatus Status, long Sequence, int Version, string EnrolledBy);

/// <summary>One session's attendance record: who was present, and its own version (its ETag).</summary>
public sealed record SessionRecord(int Version, ImmutableArray<Guid> Present);

/// <summary>
/// 课后服务项目 / an after-school programme's stream state (the write model, an inline snapshot): the programme, every
/// place and every session's attendance. <see cref="Revision"/> counts changes to the programme itself, not to its
/// enrolments or sessions: it is the programme's ETag, so that parents enrolling do not make the school's If-Match stale.
/// </summary>
public sealed record Programme(
    Guid Id, Guid SchoolId, string CountyCode, string Term, string Title, IReadOnlyList<DayOfWeek> Weekdays,
    TimeOnly StartTime, TimeOnly EndTime, int Places, ProgrammeProvider Provider, IReadOnlyList<Dimension> Dimensions,
    Guid? BaseId, ProgrammeStatus Status, int Revision)
{
    /// <summary>The stream version, set by Marten.</summary>
    public long Version { get; set; }

    public string? CancelReason { get; init; }
    /// <summary>Set while the provider has left the alliance it offered its resource in (the school's flag).</summary>
    public DateTimeOffset? ProviderLeftAt { get; init; }
    public long NextSequence { get; init; } = 1;
    public int EnrolledCount { get; init; }
    public ImmutableDictionary<Guid, Place> Roster { get; init; } = ImmutableDictionary<Guid, Place>.Empty;
    public ImmutableList<Guid> Waitlist { get; init; } = ImmutableList<Guid>.Empty;
    /// <summary>Sessions with attendance recorded, by date (yyyy-MM-dd).</summary>
    public ImmutableDictionary<string, SessionRecord> Sessions { get; init; } = ImmutableDictionary<string, SessionRecord>.Empty;

    /// <summary>How long one session lasts, in hours (to two decimals).</summary>
    public decimal SessionHours => ProgrammeView.HoursBetween(StartTime, EndTime);

    public int? WaitlistPosition(Guid studentId)
    {
        var index = Waitlist.IndexOf(studentId);
        return index < 0 ? null : index + 1;
    }

    public static string Key(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public ProgrammeFacts Facts() =>
        new(SchoolId, CountyCode, Term, Title, Weekdays, StartTime, EndTime, Places, Provider, Dimensions, BaseId);

    public SessionHeld Held() => new(SchoolId, CountyCode, Term, SessionHours, Provider);

    public static Programme Create(ProgrammeCreated e) =>
        new(e.ProgrammeId, e.SchoolId, e.CountyCode, e.Term, e.Title, e.Weekdays, e.StartTime, e.EndTime, e.Places,
            e.Provider, e.Dimensions, e.BaseId, ProgrammeStatus.Draft, 1);

    public Programme Apply(ProgrammeOpened e) => this with { Status = ProgrammeStatus.Open, Revision = Revision + 1 };

    public Programme Apply(ProgrammeClosed e) => this with { Status = ProgrammeStatus.Closed, Revision = Revision + 1 };

    public Programme Apply(ProgrammeCancelled e) =>
        this with { Status = ProgrammeStatus.Cancelled, CancelReason = e.Reason, Revision = Revision + 1 };

    public Programme Apply(ProgrammeProviderLeft e) => this with { ProviderLeftAt = e.At, Revision = Revision + 1 };

    public Programme Apply(ProgrammeProviderChanged e) =>
        this with { Provider = e.Provider, ProviderLeftAt = null, Revision = Revision + 1 };

    public Programme Apply(StudentEnrolled e) => this with
    {
        Roster = Roster.SetItem(e.StudentId, new Place(EnrolmentStatus.Enrolled, e.Sequence, Next(e.StudentId), e.EnrolledBy)),
        EnrolledCount = EnrolledCount + 1,
        NextSequence = e.Sequence + 1,
    };

    public Programme Apply(StudentWaitlisted e) => this with
    {
        Roster = Roster.SetItem(e.StudentId, new Place(EnrolmentStatus.Waitlisted, e.Sequence, Next(e.StudentId), e.EnrolledBy)),
        Waitlist = Waitlist.Add(e.StudentId),
        NextSequence = e.Sequence + 1,
    };

    public Programme Apply(EnrolmentPromoted e) => this with
    {
        Roster = Roster.SetItem(e.StudentId, Roster[e.StudentId] with { Status = EnrolmentStatus.Enrolled, Version = Roster[e.StudentId].Version + 1 }),
        Waitlist = Waitlist.Remove(e.StudentId),
        EnrolledCount = EnrolledCount + 1,
    };

    public Programme Apply(EnrolmentWithdrawn e)
    {
        var place = Roster[e.StudentId];
        return this with
        {
            Roster = Roster.SetItem(e.StudentId, place with { Status = EnrolmentStatus.Withdrawn, Version = place.Version + 1 }),
            Waitlist = place.Status == EnrolmentStatus.Waitlisted ? Waitlist.Remove(e.StudentId) : Waitlist,
            EnrolledCount = place.Status == EnrolmentStatus.Enrolled ? EnrolledCount - 1 : EnrolledCount,
        };
    }

    public Programme Apply(SessionAttendanceRecorded e)
    {
        var key = Key(e.Date);
        var version = Sessions.TryGetValue(key, out var earlier) ? earlier.Version + 1 : 1;
        return this with { Sessions = Sessions.SetItem(key, new SessionRecord(version, [.. e.Present])) };
    }

    /// <summary>An enrolment's next version: enrolling again after a withdrawal continues the count.</summary>
    private int Next(Guid studentId) => Roster.TryGetValue(studentId, out var place) ? place.Version + 1 : 1;
}
