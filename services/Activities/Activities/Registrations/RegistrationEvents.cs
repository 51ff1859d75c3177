using JiaoLianTi.Platform.PersonalData;

namespace JiaoLianTi.Activities.Registrations;

public enum RegistrationStatus { Confirmed, Waitlisted, Cancelled }

// Internal events of a registration. They are appended to the activity's stream (one stream orders every seat, so
// "never overbook" is a property of one stream). Past tense, activity id first, time last.

/// <summary>A student took a seat. <paramref name="Sequence"/> orders every registration of the activity.</summary>
public record RegistrationConfirmed(
    Guid ActivityId, Guid StudentId, long Sequence, StudentDetails Student, string RegisteredBy, DateTimeOffset At);

/// <summary>No seat was left: the student waits, in the order of <paramref name="Sequence"/>.</summary>
public record RegistrationWaitlisted(
    Guid ActivityId, Guid StudentId, long Sequence, StudentDetails Student, string RegisteredBy, DateTimeOffset At);

/// <summary>A seat came free and the first student on the waitlist took it.</summary>
public record WaitlistPromoted(Guid ActivityId, Guid StudentId, DateTimeOffset At);

/// <summary><paramref name="Was"/>: what the registration was before (a seat frees only if it was confirmed).</summary>
public record RegistrationCancelled(Guid ActivityId, Guid StudentId, RegistrationStatus Was, string CancelledBy, DateTimeOffset At);

/// <summary>
/// The guardian who gave consent took it back. A <see cref="RegistrationCancelled"/> follows in the same append (the
/// seat is released and the waitlist moves).
/// </summary>
public record ConsentWithdrawn(Guid ActivityId, Guid StudentId, string WithdrawnBy, DateTimeOffset At);

public record StudentCheckedIn(Guid ActivityId, Guid StudentId, string CheckedInBy, DateTimeOffset At);

public record AttendanceRecorded(Guid ActivityId, Guid StudentId, bool Attended, string RecordedBy, DateTimeOffset At);

/// <summary>
/// What Activities keeps about a registered student, and only here (never in an integration event): the display
/// name, the birth date (for the age range), the school and class, and the guardian's consent for an under-14.
/// In a command the personal fields are plain (the age rule needs the birth date); in a stored event they are empty
/// and <see cref="Personal"/> holds them sealed with the student's key from the personal-data vault
/// (docs/design.md 17), so that erasing the student's key erases them.
/// </summary>
public record StudentDetails(
    string DisplayName, DateOnly BirthDate, Guid? SchoolId, string? ClassName, string? ConsentGivenBy,
    DateTimeOffset? ConsentGivenAt, Sealed? Personal = null)
{
    /// <summary>The same details with the name, birth date and class sealed under the student's key.</summary>
    public StudentDetails SealedWith(byte[] key, Guid keyId) =>
        new("", default, SchoolId, null, ConsentGivenBy, ConsentGivenAt,
            PersonalDataVault.Seal(key, keyId, new StudentPersonal(DisplayName, BirthDate, ClassName)));
}

/// <summary>The sealed part of <see cref="StudentDetails"/>.</summary>
public sealed record StudentPersonal(string DisplayName, DateOnly BirthDate, string? ClassName);
