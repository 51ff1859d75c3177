using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.CampusSafety.SafetyPlans;

public enum SafetyPlanStatus { Submitted, Approved, Rejected }

public record SafetyPlanSubmitted(
    Guid PlanId, Guid ActivityId, Guid? SchoolId, string CountyCode, string Title, string Location,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Participants, string Arrangements, DateTimeOffset At);

public record SafetyPlanApproved(Guid PlanId, Guid ActivityId, string? Notes, string By, DateTimeOffset At);

public record SafetyPlanRejected(Guid PlanId, Guid ActivityId, string Reasons, string By, DateTimeOffset At);

/// <summary>安全预案: an off-campus activity's safety plan, sent by Activities for review. Also its inline read model.</summary>
public sealed record SafetyPlan(
    Guid Id, Guid ActivityId, Guid? SchoolId, string CountyCode, string Title, string Location, DateTimeOffset StartsAt,
    DateTimeOffset EndsAt, int Participants, string Arrangements, SafetyPlanStatus Status, DateTimeOffset SubmittedAt)
{
    /// <summary>The school's name beside its id, in lists (from the replica of Alliances' facts); never stored.</summary>
    public string? SchoolName { get; init; }
    public long Version { get; set; }
    public string? Notes { get; init; }
    public string? Reasons { get; init; }
    public string? ReviewedBy { get; init; }
    public DateTimeOffset? ReviewedAt { get; init; }

    public static SafetyPlan Create(SafetyPlanSubmitted e) =>
        new(e.PlanId, e.ActivityId, e.SchoolId, e.CountyCode, e.Title, e.Location, e.StartsAt, e.EndsAt,
            e.Participants, e.Arrangements, SafetyPlanStatus.Submitted, e.At);

    public SafetyPlan Apply(SafetyPlanApproved e) =>
        this with { Status = SafetyPlanStatus.Approved, Notes = e.Notes, ReviewedBy = e.By, ReviewedAt = e.At };

    public SafetyPlan Apply(SafetyPlanRejected e) =>
        this with { Status = SafetyPlanStatus.Rejected, Reasons = e.Reasons, ReviewedBy = e.By, ReviewedAt = e.At };
}

public record ApproveSafetyPlan(string? Notes, string By, DateTimeOffset Now);
public record RejectSafetyPlan(string Reasons, string By, DateTimeOffset Now);

/// <summary>The safety plan's rules, pure. A plan is decided once; Activities sends a new request for a new plan.</summary>
public static class SafetyPlanDecider
{
    public static IReadOnlyList<object> Decide(ApproveSafetyPlan c, SafetyPlan s)
    {
        EnsureUndecided(s, c.Now);
        return [new SafetyPlanApproved(s.Id, s.ActivityId, string.IsNullOrWhiteSpace(c.Notes) ? null : c.Notes.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RejectSafetyPlan c, SafetyPlan s)
    {
        EnsureUndecided(s, c.Now);
        if (string.IsNullOrWhiteSpace(c.Reasons))
        {
            throw new RuleViolation("reasons-required", "驳回须说明理由 / A rejection needs its reasons.");
        }
        return [new SafetyPlanRejected(s.Id, s.ActivityId, c.Reasons.Trim(), c.By, c.Now)];
    }

    private static void EnsureUndecided(SafetyPlan s, DateTimeOffset now)
    {
        if (s.Status != SafetyPlanStatus.Submitted)
        {
            throw new RuleViolation("plan-decided", $"该预案已审核（{s.Status}） / The plan has been decided already ({s.Status}).");
        }
        if (now >= s.StartsAt)
        {
            throw new RuleViolation("activity-started", "活动已开始，不能再审核 / The activity has started: too late to review its plan.");
        }
    }
}
