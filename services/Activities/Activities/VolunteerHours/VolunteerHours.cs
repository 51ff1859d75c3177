using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;

namespace JiaoLianTi.Activities.VolunteerHours;

public enum VolunteerHoursStatus { Recorded, Approved }

/// <summary>志愿时长: hours a student served at a volunteer activity (recorded, amended until approved).</summary>
public record VolunteerHoursRecorded(
    Guid RecordId, Guid ActivityId, Guid StudentId, Guid? SchoolId, string? ClassName, string CountyCode,
    decimal Hours, string RecordedBy, DateTimeOffset At, Sealed? SealedClass = null);

/// <summary>志愿时长认定: a teacher approved them; they count in the totals from now on.</summary>
public record VolunteerHoursApproved(
    Guid RecordId, Guid ActivityId, Guid StudentId, decimal Hours, string ApprovedBy, DateTimeOffset At);

/// <summary>One student's volunteer hours for one activity: the stream's state and its inline read model.</summary>
public sealed record VolunteerHoursRecord(
    Guid Id, Guid ActivityId, Guid StudentId, Guid? SchoolId, string? ClassName, string CountyCode, decimal Hours,
    VolunteerHoursStatus Status, string RecordedBy, string? ApprovedBy, DateTimeOffset RecordedAt, DateTimeOffset? ApprovedAt,
    Sealed? SealedClass = null)
{
    public long Version { get; set; }

    public static VolunteerHoursRecord Create(VolunteerHoursRecorded e) =>
        new(e.RecordId, e.ActivityId, e.StudentId, e.SchoolId, e.ClassName, e.CountyCode, e.Hours,
            VolunteerHoursStatus.Recorded, e.RecordedBy, null, e.At, null, e.SealedClass);

    public VolunteerHoursRecord Apply(VolunteerHoursRecorded e) => this with { Hours = e.Hours, RecordedBy = e.RecordedBy, RecordedAt = e.At };

    public VolunteerHoursRecord Apply(VolunteerHoursApproved e) =>
        this with { Status = VolunteerHoursStatus.Approved, ApprovedBy = e.ApprovedBy, ApprovedAt = e.At };

    public static Guid IdFor(Guid activityId, Guid studentId) =>
        Platform.EventStore.NameBasedIds.Create(activityId, "volunteer-hours:" + studentId.ToString("N"));
}

/// <param name="ActivityIsVolunteerService">Hours are served at volunteer service activities only.</param>
/// <param name="ActivityStarted">Hours are served once the activity has begun (and it was not cancelled).</param>
/// <param name="SeatConfirmed">Only a student who held a seat served.</param>
public record RecordVolunteerHours(
    Guid ActivityId, Guid StudentId, Guid? SchoolId, string? ClassName, string CountyCode, decimal Hours,
    bool ActivityIsVolunteerService, bool ActivityStarted, bool SeatConfirmed, string By, DateTimeOffset Now,
    Sealed? SealedClass = null);

public record ApproveVolunteerHours(Guid ActivityId, Guid StudentId, string By, DateTimeOffset Now);

public static class VolunteerHoursDecider
{
    public const decimal MaxHours = 24m;

    public static IReadOnlyList<object> Decide(RecordVolunteerHours c, VolunteerHoursRecord? state)
    {
        if (!c.ActivityIsVolunteerService)
        {
            throw new RuleViolation("not-volunteer-service", "只有志愿服务活动记录志愿时长 / Volunteer hours are recorded for volunteer service activities only.");
        }
        if (!c.ActivityStarted)
        {
            throw new RuleViolation("not-started", "活动尚未开始或已取消 / The activity has not taken place (not started, or cancelled).");
        }
        if (!c.SeatConfirmed)
        {
            throw new RuleViolation("not-confirmed", "该学生没有确认的报名 / The student held no confirmed seat in this activity.");
        }
        if (state?.Status == VolunteerHoursStatus.Approved)
        {
            throw new RuleViolation("hours-approved", "志愿时长已认定，不能修改 / The hours are approved and can no longer change.");
        }
        if (c.Hours <= 0 || c.Hours > MaxHours)
        {
            throw new RuleViolation("hours-out-of-range", $"时长须大于 0 且不超过 {MaxHours} / Hours must be more than 0 and at most {MaxHours}.");
        }
        return [new VolunteerHoursRecorded(VolunteerHoursRecord.IdFor(c.ActivityId, c.StudentId), c.ActivityId,
            c.StudentId, c.SchoolId, c.ClassName, c.CountyCode, c.Hours, c.By, c.Now, c.SealedClass)];
    }

    public static IReadOnlyList<object> Decide(ApproveVolunteerHours c, VolunteerHoursRecord state)
    {
        if (state.Status == VolunteerHoursStatus.Approved)
        {
            throw new RuleViolation("already-approved", "志愿时长已认定过 / These hours were already approved.");
        }
        return [new VolunteerHoursApproved(state.Id, c.ActivityId, c.StudentId, state.Hours, c.By, c.Now)];
    }
}
