using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;

namespace JiaoLianTi.ParentSchool.Meetings;

public enum HomeVisitStatus { Scheduled, Done, Cancelled }

/// <summary>
/// 家访 to the family of a student (opaque id: the child's data stays with the school's own systems). As stored, the
/// purpose is empty and <see cref="SealedPurpose"/> holds it sealed with the student's key (docs/design.md 17); so does
/// <see cref="SealedStudentName"/> hold the name the teacher gave for the child, if any (null in visits scheduled
/// before names were asked for).
/// </summary>
public record HomeVisitScheduled(
    Guid VisitId, Guid SchoolId, string CountyCode, Guid StudentId, string Purpose, DateTimeOffset PlannedAt,
    string Teacher, DateTimeOffset At, Sealed? SealedPurpose = null, string? StudentName = null, Sealed? SealedStudentName = null);

/// <summary>
/// The visit took place: who of the family was present, and the teacher's notes (need-to-know, stays here). As stored,
/// both are empty and <see cref="SealedRecord"/> holds them sealed with the student's key.
/// </summary>
public record HomeVisitRecorded(
    Guid VisitId, string[] FamilyPresent, string Notes, string RecordedBy, DateTimeOffset At, Sealed? SealedRecord = null);

/// <summary>The sealed part of <see cref="HomeVisitRecorded"/>.</summary>
public sealed record VisitRecord(string[] FamilyPresent, string Notes);

public record HomeVisitCancelled(Guid VisitId, string Reason, string CancelledBy, DateTimeOffset At);

public sealed record HomeVisit(
    Guid Id, Guid SchoolId, string CountyCode, Guid StudentId, string Purpose, DateTimeOffset PlannedAt, string Teacher,
    HomeVisitStatus Status, string[] FamilyPresent, string? Notes, DateTimeOffset? VisitedAt, string? CancellationReason,
    Sealed? SealedPurpose = null, Sealed? SealedRecord = null, Sealed? SealedStudentName = null)
{
    public long Version { get; set; }

    public static HomeVisit Create(HomeVisitScheduled e) =>
        new(e.VisitId, e.SchoolId, e.CountyCode, e.StudentId, e.Purpose, e.PlannedAt, e.Teacher, HomeVisitStatus.Scheduled,
            [], null, null, null, e.SealedPurpose, SealedStudentName: e.SealedStudentName);

    public HomeVisit Apply(HomeVisitRecorded e) =>
        this with { Status = HomeVisitStatus.Done, FamilyPresent = e.FamilyPresent, Notes = e.Notes, VisitedAt = e.At, SealedRecord = e.SealedRecord };

    public HomeVisit Apply(HomeVisitCancelled e) => this with { Status = HomeVisitStatus.Cancelled, CancellationReason = e.Reason };
}

public record RecordHomeVisit(Guid VisitId, string[] FamilyPresent, string Notes, string By, DateTimeOffset Now);

public record CancelHomeVisit(Guid VisitId, string Reason, string By, DateTimeOffset Now);

public static class HomeVisitDecider
{
    public static IReadOnlyList<object> Decide(HomeVisitScheduled command, HomeVisit? state) => state switch
    {
        null => [command],
        _ => throw new RuleViolation("visit-exists", "家访已存在 / The home visit already exists."),
    };

    public static IReadOnlyList<object> Decide(RecordHomeVisit command, HomeVisit state) => state.Status switch
    {
        HomeVisitStatus.Cancelled => throw new RuleViolation("visit-cancelled", "家访已取消 / The home visit was cancelled."),
        HomeVisitStatus.Done => throw new RuleViolation("visit-recorded", "家访已登记 / The home visit is already recorded."),
        _ when command.Now < state.PlannedAt => throw new RuleViolation("visit-not-due",
            "家访日期未到，不能登记 / The visit's day has not come: record it after the visit."),
        _ => [new HomeVisitRecorded(command.VisitId, command.FamilyPresent, command.Notes, command.By, command.Now)],
    };

    public static IReadOnlyList<object> Decide(CancelHomeVisit command, HomeVisit state) => state.Status switch
    {
        HomeVisitStatus.Cancelled => throw new RuleViolation("visit-cancelled", "家访已取消 / The home visit was already cancelled."),
        HomeVisitStatus.Done => throw new RuleViolation("visit-recorded", "家访已完成，不能取消 / The visit took place: it cannot be cancelled."),
        _ => [new HomeVisitCancelled(command.VisitId, command.Reason, command.By, command.Now)],
    };
}

/// <summary>
/// A home visit as its readers see it: the child's name, the purpose, family and notes opened with the student's key
/// (null once erased; the name also null when none was given).
/// </summary>
public sealed record HomeVisitView(
    Guid Id, Guid SchoolId, string CountyCode, Guid StudentId, string? Purpose, DateTimeOffset PlannedAt, string Teacher,
    HomeVisitStatus Status, string[] FamilyPresent, string? Notes, DateTimeOffset? VisitedAt, string? CancellationReason,
    long Version, string? SchoolName = null, string? StudentName = null)
{
    public static HomeVisitView Of(HomeVisit v, byte[]? key)
    {
        var record = v.SealedRecord is null ? null : PersonalDataVault.Open<VisitRecord>(key, v.SealedRecord);
        return new(v.Id, v.SchoolId, v.CountyCode, v.StudentId,
            v.SealedPurpose is null ? v.Purpose : PersonalDataVault.Open<string>(key, v.SealedPurpose), v.PlannedAt, v.Teacher,
            v.Status, v.SealedRecord is null ? v.FamilyPresent : record?.FamilyPresent ?? [],
            v.SealedRecord is null ? v.Notes : record?.Notes, v.VisitedAt, v.CancellationReason, v.Version,
            StudentName: v.SealedStudentName is null ? null : PersonalDataVault.Open<string>(key, v.SealedStudentName));
    }

    /// <summary>Seals what a visit's events say of the child and family with the student's key, before they are appended.</summary>
    public static IReadOnlyList<object> Sealed(IReadOnlyList<object> events, byte[] key, Guid keyId) =>
        events.Select(e => e switch
        {
            HomeVisitScheduled s => s with
            {
                Purpose = "", SealedPurpose = PersonalDataVault.Seal(key, keyId, s.Purpose),
                StudentName = null, SealedStudentName = s.StudentName is null ? null : PersonalDataVault.Seal(key, keyId, s.StudentName),
            },
            HomeVisitRecorded r => r with
            {
                FamilyPresent = [], Notes = "", SealedRecord = PersonalDataVault.Seal(key, keyId, new VisitRecord(r.FamilyPresent, r.Notes)),
            },
            _ => e,
        }).ToList();
}
