using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Alliances.Needs;

/// <summary>需求类别: what a school asks for.</summary>
public enum NeedCategory
{
    AfterSchoolCare, StudyTrip, Venue, Expert, Volunteers, MentalHealth, Safety, Traffic, FoodSafety, FamilyEducation,
    Sport, Other,
}

/// <summary>raised -> matched -> accepted -> resolved -> closed; a decline sends it back to raised.</summary>
public enum NeedStatus { Raised, Matched, Accepted, Resolved, Closed }

/// <summary>The description stays here (it may speak of children); the contract carries the category only.</summary>
public record NeedRaised(
    Guid NeedId, Guid AllianceId, Guid SchoolId, NeedCategory Category, string Description, string CountyCode,
    string RaisedBy, DateTimeOffset At);
public record NeedMatched(Guid NeedId, Guid AllianceId, Guid UnitId, Guid? ResourceId, string MatchedBy, DateTimeOffset At);
public record NeedAccepted(Guid NeedId, Guid AllianceId, Guid UnitId, string AcceptedBy, DateTimeOffset At);
public record NeedDeclined(Guid NeedId, Guid AllianceId, Guid UnitId, string Reason, string DeclinedBy, DateTimeOffset At);
public record NeedResolved(Guid NeedId, Guid AllianceId, Guid UnitId, string Resolution, string ResolvedBy, DateTimeOffset At);
public record NeedClosed(Guid NeedId, Guid AllianceId, string ClosedBy, DateTimeOffset At);

/// <summary>需求清单: one need, its state and its inline read model.</summary>
public sealed record Need(
    Guid Id, Guid AllianceId, Guid SchoolId, NeedCategory Category, string Description, string CountyCode,
    NeedStatus Status, DateTimeOffset RaisedAt)
{
    public long Version { get; set; }
    public Guid? MatchedUnitId { get; init; }
    public Guid? ResourceId { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public string? Resolution { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public IReadOnlyList<Guid> DeclinedBy { get; init; } = [];

    public static Need Create(NeedRaised e) =>
        new(e.NeedId, e.AllianceId, e.SchoolId, e.Category, e.Description, e.CountyCode, NeedStatus.Raised, e.At);

    public Need Apply(NeedMatched e) => this with { Status = NeedStatus.Matched, MatchedUnitId = e.UnitId, ResourceId = e.ResourceId };
    public Need Apply(NeedAccepted e) => this with { Status = NeedStatus.Accepted, AcceptedAt = e.At };
    public Need Apply(NeedDeclined e) => this with
    {
        Status = NeedStatus.Raised, MatchedUnitId = null, ResourceId = null, DeclinedBy = [.. DeclinedBy, e.UnitId],
    };
    public Need Apply(NeedResolved e) => this with { Status = NeedStatus.Resolved, Resolution = e.Resolution, ResolvedAt = e.At };
    public Need Apply(NeedClosed e) => this with { Status = NeedStatus.Closed, ClosedAt = e.At };
}

public record RaiseNeed(
    Guid NeedId, Alliance Alliance, Guid SchoolId, NeedCategory Category, string Description, string By, DateTimeOffset Now);
/// <summary>Matched to a member unit, or to a resource (then to the unit that offers it).</summary>
public record MatchNeed(Guid NeedId, Alliance Alliance, Guid UnitId, Resource? Resource, string By, DateTimeOffset Now);
/// <summary><paramref name="CallerUnitId"/>: the member unit of the officer who acts.</summary>
public record AcceptNeed(Guid NeedId, Guid? CallerUnitId, string By, DateTimeOffset Now);
public record DeclineNeed(Guid NeedId, Guid? CallerUnitId, string Reason, string By, DateTimeOffset Now);
public record ResolveNeed(Guid NeedId, Guid? CallerUnitId, string Resolution, string By, DateTimeOffset Now);
public record CloseNeed(Guid NeedId, Guid? CallerSchoolId, string By, DateTimeOffset Now);

public static class NeedDecider
{
    public static IReadOnlyList<object> Decide(RaiseNeed c, Need? state)
    {
        if (state is not null) throw new RuleViolation("need-exists", "需求已存在 / The need already exists.");
        EnsureWorking(c.Alliance);
        if (!c.Alliance.IsMember(c.SchoolId))
        {
            throw new RuleViolation("school-not-member", "该学校不是此教联体成员 / The school is not a member of this alliance.");
        }
        return [new NeedRaised(c.NeedId, c.Alliance.Id, c.SchoolId, c.Category, c.Description.Trim(), c.Alliance.CountyCode, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(MatchNeed c, Need state)
    {
        if (state.Status is not (NeedStatus.Raised or NeedStatus.Matched))
        {
            throw new RuleViolation("need-not-open", $"需求当前为 {state.Status}，不能再匹配 / The need is {state.Status}: it can no longer be matched.");
        }
        EnsureWorking(c.Alliance);
        if (c.Resource is { } resource)
        {
            if (resource.AllianceId != state.AllianceId || resource.Status != ResourceStatus.Published)
            {
                throw new RuleViolation("resource-unavailable", "该资源不属于此教联体或已撤回 / The resource is not offered to this alliance.");
            }
        }
        if (!c.Alliance.IsMember(c.UnitId))
        {
            throw new RuleViolation("unit-not-member", "该单位不是此教联体成员 / The unit is not a member of this alliance.");
        }
        return [new NeedMatched(state.Id, state.AllianceId, c.UnitId, c.Resource?.Id, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(AcceptNeed c, Need state)
    {
        EnsureAssignedTo(state, c.CallerUnitId, NeedStatus.Matched);
        return [new NeedAccepted(state.Id, state.AllianceId, state.MatchedUnitId!.Value, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(DeclineNeed c, Need state)
    {
        EnsureAssignedTo(state, c.CallerUnitId, NeedStatus.Matched);
        return [new NeedDeclined(state.Id, state.AllianceId, state.MatchedUnitId!.Value, c.Reason.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ResolveNeed c, Need state)
    {
        EnsureAssignedTo(state, c.CallerUnitId, NeedStatus.Accepted);
        return [new NeedResolved(state.Id, state.AllianceId, state.MatchedUnitId!.Value, c.Resolution.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CloseNeed c, Need state)
    {
        if (c.CallerSchoolId != state.SchoolId)
        {
            throw new RuleViolation("not-your-need", "只有提出需求的学校可以关闭它 / Only the school that raised the need may close it.");
        }
        return state.Status switch
        {
            NeedStatus.Closed => throw new RuleViolation("need-closed", "需求已关闭 / The need is already closed."),
            NeedStatus.Accepted => throw new RuleViolation("need-in-progress",
                "成员单位正在办理，待其解决后再关闭 / A member is working on it: close it once it is resolved."),
            _ => [new NeedClosed(state.Id, state.AllianceId, c.By, c.Now)],
        };
    }

    private static void EnsureAssignedTo(Need state, Guid? unitId, NeedStatus expected)
    {
        if (state.MatchedUnitId is null || state.MatchedUnitId != unitId)
        {
            throw new RuleViolation("need-not-assigned-to-you", "该需求未分派给您的单位 / This need is not assigned to your unit.");
        }
        if (state.Status != expected)
        {
            throw new RuleViolation("need-wrong-status",
                $"需求当前为 {state.Status}，应为 {expected} / The need is {state.Status}, not {expected}.");
        }
    }

    private static void EnsureWorking(Alliance alliance)
    {
        if (alliance.Status != AllianceStatus.Established)
        {
            throw new RuleViolation("alliance-not-established",
                $"教联体当前为 {alliance.Status}，不接受新工作 / The alliance is {alliance.Status}: it takes on no new work.");
        }
    }
}
