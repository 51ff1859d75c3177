using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Wellbeing.Crisis;

/// <summary>The chain, in order: each level is told, must acknowledge, and an unacknowledged level escalates further.</summary>
public enum CrisisLevel { Counsellor, Principal, Guardian, County }

public enum CrisisTrigger { RedTier, CounsellorCall }

public enum CrisisStatus { Active, Resolved }

public record CrisisStarted(
    Guid EscalationId, Guid StudentId, Guid SchoolId, string CountyCode, CrisisTrigger Trigger, string? Counsellor,
    string StartedBy, DateTimeOffset At);

/// <summary>A level of the chain was told and must acknowledge by <paramref name="AckDueAt"/> (published as CrisisEscalated).</summary>
public record CrisisLevelNotified(
    Guid EscalationId, Guid StudentId, Guid SchoolId, string CountyCode, CrisisLevel Level, DateTimeOffset AckDueAt, DateTimeOffset At);

public record CrisisStepAcknowledged(Guid EscalationId, CrisisLevel Level, string By, DateTimeOffset At);

/// <summary>A level did not acknowledge in time: the chain went on without it (and the miss stays on record).</summary>
public record CrisisStepUnacknowledged(Guid EscalationId, CrisisLevel Level, DateTimeOffset DueAt, DateTimeOffset At);

public record CrisisResolved(Guid EscalationId, string By, DateTimeOffset At);

public sealed record CrisisStep(CrisisLevel Level, DateTimeOffset NotifiedAt, DateTimeOffset AckDueAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, bool Missed);

/// <summary>A crisis escalation stream's state, also its inline read model. No personal data: ids, levels, times.</summary>
public sealed record CrisisEscalation(
    Guid Id, Guid StudentId, Guid SchoolId, string CountyCode, CrisisTrigger Trigger, string? Counsellor,
    IReadOnlyList<CrisisStep> Steps, CrisisStatus Status, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt)
{
    public long Version { get; set; }

    public CrisisLevel CurrentLevel => Steps[^1].Level;

    public static CrisisEscalation Create(CrisisStarted e) =>
        new(e.EscalationId, e.StudentId, e.SchoolId, e.CountyCode, e.Trigger, e.Counsellor, [], CrisisStatus.Active, e.At, null);

    public CrisisEscalation Apply(CrisisLevelNotified e) =>
        this with { Steps = [.. Steps, new CrisisStep(e.Level, e.At, e.AckDueAt, null, null, false)] };

    public CrisisEscalation Apply(CrisisStepAcknowledged e) =>
        this with { Steps = Steps.Select(s => s.Level == e.Level ? s with { AcknowledgedBy = e.By, AcknowledgedAt = e.At } : s).ToArray() };

    public CrisisEscalation Apply(CrisisStepUnacknowledged e) =>
        this with { Steps = Steps.Select(s => s.Level == e.Level ? s with { Missed = true } : s).ToArray() };

    public CrisisEscalation Apply(CrisisResolved e) => this with { Status = CrisisStatus.Resolved, ResolvedAt = e.At };
}

public record StartCrisis(
    Guid EscalationId, Guid StudentId, Guid SchoolId, string CountyCode, CrisisTrigger Trigger, string? Counsellor,
    string StartedBy, TimeSpan AckWithin, DateTimeOffset Now);

public record AcknowledgeCrisis(Guid EscalationId, CrisisLevel Level, string By, TimeSpan AckWithin, DateTimeOffset Now);

public record EscalateUnacknowledged(Guid EscalationId, TimeSpan AckWithin, DateTimeOffset Now);

public record ResolveCrisis(Guid EscalationId, string By, DateTimeOffset Now);

/// <summary>The crisis chain's rules, pure.</summary>
public static class CrisisDecider
{
    public static IReadOnlyList<object> Decide(StartCrisis c) =>
    [
        new CrisisStarted(c.EscalationId, c.StudentId, c.SchoolId, c.CountyCode, c.Trigger, c.Counsellor, c.StartedBy, c.Now),
        new CrisisLevelNotified(c.EscalationId, c.StudentId, c.SchoolId, c.CountyCode, CrisisLevel.Counsellor, c.Now + c.AckWithin, c.Now),
    ];

    public static IReadOnlyList<object> Decide(AcknowledgeCrisis c, CrisisEscalation state)
    {
        var step = state.Steps.FirstOrDefault(s => s.Level == c.Level)
            ?? throw new RuleViolation("level-not-reached", $"危机链尚未到达 {c.Level} / The chain has not reached {c.Level} yet.");
        if (step.AcknowledgedBy is not null)
        {
            throw new RuleViolation("already-acknowledged", $"{c.Level} 已确认 / {c.Level} has already acknowledged.");
        }
        var events = new List<object> { new CrisisStepAcknowledged(c.EscalationId, c.Level, c.By, c.Now) };
        // Acknowledging the current level passes the alarm on at once: every level must know of a crisis.
        if (state.Status == CrisisStatus.Active && c.Level == state.CurrentLevel && c.Level != CrisisLevel.County)
        {
            events.Add(new CrisisLevelNotified(c.EscalationId, state.StudentId, state.SchoolId, state.CountyCode, c.Level + 1, c.Now + c.AckWithin, c.Now));
        }
        return events;
    }

    /// <summary>The periodic check: a current level past its acknowledgement deadline is marked missed and the next
    /// level is told. Idempotent: a level is marked once.</summary>
    public static IReadOnlyList<object> Decide(EscalateUnacknowledged c, CrisisEscalation state)
    {
        if (state.Status != CrisisStatus.Active || state.Steps.Count == 0)
        {
            return [];
        }
        var current = state.Steps[^1];
        if (current.AcknowledgedBy is not null || current.Missed || c.Now <= current.AckDueAt)
        {
            return [];
        }
        var events = new List<object> { new CrisisStepUnacknowledged(c.EscalationId, current.Level, current.AckDueAt, c.Now) };
        if (current.Level != CrisisLevel.County)
        {
            events.Add(new CrisisLevelNotified(c.EscalationId, state.StudentId, state.SchoolId, state.CountyCode, current.Level + 1, c.Now + c.AckWithin, c.Now));
        }
        return events;
    }

    public static IReadOnlyList<object> Decide(ResolveCrisis c, CrisisEscalation state)
    {
        if (state.Status == CrisisStatus.Resolved)
        {
            throw new RuleViolation("crisis-resolved", "危机已解除 / The crisis is already resolved.");
        }
        if (state.Steps.All(s => s.AcknowledgedBy is null))
        {
            throw new RuleViolation("not-acknowledged", "尚无人确认，不能解除 / Nobody has acknowledged the crisis yet: it cannot be resolved.");
        }
        return [new CrisisResolved(c.EscalationId, c.By, c.Now)];
    }
}
