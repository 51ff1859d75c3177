using JasperFx.Events;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.PersonalData;
using Marten.Events.Projections;

namespace JiaoLianTi.Activities.Registrations;

/// <summary>
/// 报名 / one student's registration for one activity, as parents and schools read it. The display name, birth date
/// and class are kept here and nowhere else (never in an integration event). <see cref="Version"/> is its ETag.
/// </summary>
public sealed class StudentRegistration
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid StudentId { get; set; }
    /// <summary>Empty since the vault: the name, birth date and class are in <see cref="Personal"/>, sealed.</summary>
    public string DisplayName { get; set; } = "";
    public DateOnly BirthDate { get; set; }
    public Guid? SchoolId { get; set; }
    public string? ClassName { get; set; }
    /// <summary>The name, birth date and class sealed with the student's key; unreadable once the student is erased.</summary>
    public Sealed? Personal { get; set; }
    public string? ConsentGivenBy { get; set; }
    public DateTimeOffset? ConsentGivenAt { get; set; }
    /// <summary>When the guardian who consented took it back (the registration was cancelled with it).</summary>
    public DateTimeOffset? ConsentWithdrawnAt { get; set; }
    public RegistrationStatus Status { get; set; }
    /// <summary>The order in which the activity received it: the waitlist is served in this order.</summary>
    public long Sequence { get; set; }
    public string RegisteredBy { get; set; } = "";
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public bool? Attended { get; set; }

    /// <summary>The registration's own version (its ETag). Not named Version: Marten would fill that with its own.</summary>
    public int RegistrationVersion { get; set; }
}

/// <summary>A registration's document id: one per activity and student.</summary>
public static class RegistrationIds
{
    public static Guid For(Guid activityId, Guid studentId) => NameBasedIds.Create(activityId, studentId.ToString("N"));
}

/// <summary>Inline: a parent reads the answer of their registration the moment it is given.</summary>
public sealed class StudentRegistrationProjection : MultiStreamProjection<StudentRegistration, Guid>
{
    public StudentRegistrationProjection()
    {
        Identity<RegistrationConfirmed>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
        Identity<RegistrationWaitlisted>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
        Identity<WaitlistPromoted>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
        Identity<RegistrationCancelled>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
        Identity<ConsentWithdrawn>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
        Identity<StudentCheckedIn>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
        Identity<AttendanceRecorded>(e => RegistrationIds.For(e.ActivityId, e.StudentId));
    }

    public void Apply(StudentRegistration r, RegistrationConfirmed e)
    {
        Registered(r, e.ActivityId, e.StudentId, e.Sequence, e.Student, e.RegisteredBy, e.At, RegistrationStatus.Confirmed);
        r.ConfirmedAt = e.At;
    }

    public void Apply(StudentRegistration r, RegistrationWaitlisted e) =>
        Registered(r, e.ActivityId, e.StudentId, e.Sequence, e.Student, e.RegisteredBy, e.At, RegistrationStatus.Waitlisted);

    public void Apply(StudentRegistration r, WaitlistPromoted e)
    {
        r.Status = RegistrationStatus.Confirmed;
        r.ConfirmedAt = e.At;
        r.RegistrationVersion++;
    }

    public void Apply(StudentRegistration r, RegistrationCancelled e)
    {
        r.Status = RegistrationStatus.Cancelled;
        r.CancelledAt = e.At;
        r.RegistrationVersion++;
    }

    public void Apply(StudentRegistration r, ConsentWithdrawn e)
    {
        r.ConsentWithdrawnAt = e.At;
        r.RegistrationVersion++;
    }

    public void Apply(StudentRegistration r, StudentCheckedIn e)
    {
        r.CheckedInAt = e.At;
        r.RegistrationVersion++;
    }

    public void Apply(StudentRegistration r, AttendanceRecorded e)
    {
        r.Attended = e.Attended;
        r.RegistrationVersion++;
    }

    private static void Registered(
        StudentRegistration r, Guid activityId, Guid studentId, long sequence, StudentDetails student, string by,
        DateTimeOffset at, RegistrationStatus status)
    {
        r.Id = RegistrationIds.For(activityId, studentId);
        r.ActivityId = activityId;
        r.StudentId = studentId;
        r.DisplayName = student.DisplayName;
        r.BirthDate = student.BirthDate;
        r.SchoolId = student.SchoolId;
        r.ClassName = student.ClassName;
        r.Personal = student.Personal;
        r.ConsentGivenBy = student.ConsentGivenBy;
        r.ConsentGivenAt = student.ConsentGivenAt;
        r.ConsentWithdrawnAt = null;
        r.Status = status;
        r.Sequence = sequence;
        r.RegisteredBy = by;
        r.RegisteredAt = at;
        r.ConfirmedAt = null;
        r.CancelledAt = null;
        r.CheckedInAt = null;
        r.Attended = null;
        r.RegistrationVersion++;
    }
}
