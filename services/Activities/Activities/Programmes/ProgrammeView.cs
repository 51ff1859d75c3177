using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.PersonalData;
using Marten.Events.Projections;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>
/// 课后服务项目 / a programme as callers read it: its week, places, enrolled and waiting, sessions held, the provider's
/// hours so far and the flag of a provider that left (an inline projection; the roster stays in the write model).
/// </summary>
public sealed class ProgrammeView
{
    public Guid Id { get; set; }
    public Guid SchoolId { get; set; }
    public string CountyCode { get; set; } = "";
    public string Term { get; set; } = "";
    public string Title { get; set; } = "";
    public IReadOnlyList<DayOfWeek> Weekdays { get; set; } = [];
    public TimeOnly StartTime { get; set; }
    public TimeOnly EndTime { get; set; }
    public int Places { get; set; }
    public int Enrolled { get; set; }
    public int PlacesLeft => Math.Max(0, Places - Enrolled);
    public int WaitlistLength { get; set; }
    public ProgrammeProvider Provider { get; set; } = new(ProviderKind.SchoolStaff, null, null, null, "");
    /// <summary>The provider's unit (null for the school's own staff), for queries.</summary>
    public Guid? ProviderUnitId { get; set; }
    public Guid? ProviderAllianceId { get; set; }
    public IReadOnlyList<Dimension> Dimensions { get; set; } = [];
    public Guid? BaseId { get; set; }
    public ProgrammeStatus Status { get; set; }
    public string? CancelReason { get; set; }
    /// <summary>Set while the provider has left its alliance: the school's flag (choose another provider, or cancel).</summary>
    public DateTimeOffset? ProviderLeftAt { get; set; }
    /// <summary>Sessions with attendance recorded (held).</summary>
    public int SessionsHeld { get; set; }
    /// <summary>Present students summed over the sessions held (人次).</summary>
    public int Attendances { get; set; }
    public decimal SessionHours => HoursBetween(StartTime, EndTime);
    /// <summary>The provider's hours this term: sessions held × the length of one.</summary>
    public decimal ProviderHours => SessionsHeld * SessionHours;
    /// <summary>
    /// Sessions held by each provider (a unit's id, or <c>staff</c> for the school's own), as the provider was when the
    /// session was first recorded: a provider that is replaced keeps the hours it gave.
    /// </summary>
    public Dictionary<string, int> SessionsByProvider { get; set; } = [];
    public Dictionary<string, string> ProviderNames { get; set; } = [];
    /// <summary>The dates of the sessions held (yyyy-MM-dd), with how many were present, for the figures of a period.</summary>
    public Dictionary<string, int> PresentBySession { get; set; } = [];

    /// <summary>The programme's own revision: its ETag (see <see cref="Programme.Revision"/>).</summary>
    public int Revision { get; set; }

    public const string SchoolStaffKey = "staff";

    public static string ProviderKey(ProgrammeProvider p) => p.UnitId is { } unit ? unit.ToString("N") : SchoolStaffKey;

    public static decimal HoursBetween(TimeOnly start, TimeOnly end) => Math.Round((decimal)(end - start).TotalHours, 2);

    public static ProgrammeView Create(ProgrammeCreated e) => new()
    {
        Id = e.ProgrammeId, SchoolId = e.SchoolId, CountyCode = e.CountyCode, Term = e.Term, Title = e.Title,
        Weekdays = e.Weekdays, StartTime = e.StartTime, EndTime = e.EndTime, Places = e.Places, Provider = e.Provider,
        ProviderUnitId = e.Provider.UnitId, ProviderAllianceId = e.Provider.AllianceId, Dimensions = e.Dimensions,
        BaseId = e.BaseId, Status = ProgrammeStatus.Draft, Revision = 1,
    };

    public void Apply(ProgrammeOpened e) { Status = ProgrammeStatus.Open; Revision++; }
    public void Apply(ProgrammeClosed e) { Status = ProgrammeStatus.Closed; Revision++; }
    public void Apply(ProgrammeCancelled e) { Status = ProgrammeStatus.Cancelled; CancelReason = e.Reason; Revision++; }
    public void Apply(ProgrammeProviderLeft e) { ProviderLeftAt = e.At; Revision++; }

    public void Apply(ProgrammeProviderChanged e)
    {
        Provider = e.Provider; ProviderUnitId = e.Provider.UnitId; ProviderAllianceId = e.Provider.AllianceId;
        ProviderLeftAt = null; Revision++;
    }

    public void Apply(StudentEnrolled e) => Enrolled++;
    public void Apply(StudentWaitlisted e) => WaitlistLength++;
    public void Apply(EnrolmentPromoted e) { Enrolled++; WaitlistLength--; }

    public void Apply(EnrolmentWithdrawn e)
    {
        if (e.Was == EnrolmentStatus.Enrolled) Enrolled--;
        else if (e.Was == EnrolmentStatus.Waitlisted) WaitlistLength--;
    }

    public void Apply(SessionAttendanceRecorded e)
    {
        if (e.First)
        {
            SessionsHeld++;
            var key = ProviderKey(e.Held.Provider);
            SessionsByProvider[key] = SessionsByProvider.GetValueOrDefault(key) + 1;
            ProviderNames[key] = e.Held.Provider.Name;
        }
        Attendances += e.Present.Count - e.WasPresent.Count;
        PresentBySession[Programme.Key(e.Date)] = e.Present.Count;
    }
}

/// <summary>
/// 报名 / one student's enrolment in one programme, as parents and the school read it. The name and class are kept
/// here sealed and nowhere else (never in an integration event). <see cref="EnrolmentVersion"/> is its ETag.
/// </summary>
public sealed class ProgrammeEnrolment
{
    public Guid Id { get; set; }
    public Guid ProgrammeId { get; set; }
    public Guid StudentId { get; set; }
    public Sealed? Personal { get; set; }
    public EnrolmentStatus Status { get; set; }
    public long Sequence { get; set; }
    public string EnrolledBy { get; set; } = "";
    public DateTimeOffset EnrolledAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    /// <summary>Sessions the student was recorded present at.</summary>
    public int SessionsAttended { get; set; }
    /// <summary>The enrolment's own version (its ETag); not named Version, which Marten fills with its own.</summary>
    public int EnrolmentVersion { get; set; }

    public static Guid IdFor(Guid programmeId, Guid studentId) => NameBasedIds.Create(programmeId, $"enrolment:{studentId:N}");
}

/// <summary>Inline: a parent reads the answer of an enrolment the moment it is given.</summary>
public sealed class ProgrammeEnrolmentProjection : MultiStreamProjection<ProgrammeEnrolment, Guid>
{
    public ProgrammeEnrolmentProjection()
    {
        Identity<StudentEnrolled>(e => ProgrammeEnrolment.IdFor(e.ProgrammeId, e.StudentId));
        Identity<StudentWaitlisted>(e => ProgrammeEnrolment.IdFor(e.ProgrammeId, e.StudentId));
        Identity<EnrolmentPromoted>(e => ProgrammeEnrolment.IdFor(e.ProgrammeId, e.StudentId));
        Identity<EnrolmentWithdrawn>(e => ProgrammeEnrolment.IdFor(e.ProgrammeId, e.StudentId));
        Identities<SessionAttendanceRecorded>(e =>
            e.Present.Concat(e.WasPresent).Distinct().Select(s => ProgrammeEnrolment.IdFor(e.ProgrammeId, s)).ToArray());
    }

    public void Apply(ProgrammeEnrolment r, StudentEnrolled e) =>
        Enrolled(r, e.ProgrammeId, e.StudentId, e.Sequence, e.Student, e.EnrolledBy, e.At, EnrolmentStatus.Enrolled);

    public void Apply(ProgrammeEnrolment r, StudentWaitlisted e) =>
        Enrolled(r, e.ProgrammeId, e.StudentId, e.Sequence, e.Student, e.EnrolledBy, e.At, EnrolmentStatus.Waitlisted);

    public void Apply(ProgrammeEnrolment r, EnrolmentPromoted e)
    {
        r.Status = EnrolmentStatus.Enrolled;
        r.EnrolmentVersion++;
    }

    public void Apply(ProgrammeEnrolment r, EnrolmentWithdrawn e)
    {
        r.Status = EnrolmentStatus.Withdrawn;
        r.WithdrawnAt = e.At;
        r.EnrolmentVersion++;
    }

    public void Apply(ProgrammeEnrolment r, SessionAttendanceRecorded e)
    {
        var now = e.Present.Contains(r.StudentId);
        var before = e.WasPresent.Contains(r.StudentId);
        r.SessionsAttended += (now ? 1 : 0) - (before ? 1 : 0);
    }

    private static void Enrolled(ProgrammeEnrolment r, Guid programmeId, Guid studentId, long sequence,
        EnrolledStudent student, string by, DateTimeOffset at, EnrolmentStatus status)
    {
        r.Id = ProgrammeEnrolment.IdFor(programmeId, studentId);
        r.ProgrammeId = programmeId;
        r.StudentId = studentId;
        r.Personal = student.Personal;
        r.Status = status;
        r.Sequence = sequence;
        r.EnrolledBy = by;
        r.EnrolledAt = at;
        r.WithdrawnAt = null;
        r.EnrolmentVersion++;
    }
}
