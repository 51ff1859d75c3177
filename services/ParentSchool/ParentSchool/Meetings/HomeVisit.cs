using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.ParentSchool.Meetings;

public enum HomeVisitStatus { Scheduled, Done, Cancelled }

/// <summary>家访 to the family of a student (opaque id: the child's data stays with the school's own systems).</summary>
public record HomeVisitScheduled(
    Guid VisitId, Guid SchoolId, string CountyCode, Guid StudentId, string Purpose, DateTimeOffset PlannedAt,
    string Teacher, DateTimeOffset At);

/// <summary>The visit took place: who of the family was present, and the teacher's notes (need-to-know, stays here).</summary>
public record HomeVisitRecorded(Guid VisitId, string[] FamilyPresent, string Notes, string RecordedBy, DateTimeOffset At);

public record HomeVisitCancelled(Guid VisitId, string Reason, string CancelledBy, DateTimeOffset At);

public sealed record HomeVisit(
    Guid Id, Guid SchoolId, string CountyCode, Guid StudentId, string Purpose, DateTimeOffset PlannedAt, string Teacher,
    HomeVisitStatus Status, string[] FamilyPresent, string? Notes, DateTimeOffset? VisitedAt, string? CancellationReason)
{
    public long Version { get; set; }

    public static HomeVisit Create(HomeVisitScheduled e) =>
        new(e.VisitId, e.SchoolId, e.CountyCode, e.StudentId, e.Purpose, e.PlannedAt, e.Teacher, HomeVisitStatus.Scheduled,
            [], null, null, null);

    public HomeVisit Apply(HomeVisitRecorded e) =>
        this with { Status = HomeVisitStatus.Done, FamilyPresent = e.FamilyPresent, Notes = e.Notes, VisitedAt = e.At };

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
