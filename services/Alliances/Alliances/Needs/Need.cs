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
/// <summary>A member unit offers to take a raised need of its alliance (认领意向); the county decides by matching.</summary>
public record NeedOffered(Guid NeedId, Guid AllianceId, Guid UnitId, string Note, string OfferedBy, DateTimeOffset At);

/// <summary>需求清单: one need, its state and its inline read model.</summary>
public sealed record Need(
    Guid Id, Guid AllianceId, Guid SchoolId, NeedCategory Category, string Description, string CountyCode,
    NeedStatus Status, DateTimeOffset RaisedAt)
{
    public long Version { get; set; }
    public Guid? MatchedUnitId { get; init; }
    /// <summary>Names beside the ids, in lists (<see cref="Names"/>); never stored.</summary>
    public string? AllianceName { get; init; }
    public string? SchoolName { get; init; }
    public string? MatchedUnitName { get; init; }
    public Guid? ResourceId { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public string? Resolution { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public IReadOnlyList<Guid> DeclinedBy { get; init; } = [];
    /// <summary>Members that offered to take it while it was raised (the county decides by matching).</summary>
    public IReadOnlyList<NeedOffer> Offers { get; init; } = [];
    public IReadOnlyList<StatusStep> History { get; init; } = [];

    public static Need Create(NeedRaised e) =>
        new(e.NeedId, e.AllianceId, e.SchoolId, e.Category, e.Description, e.CountyCode, NeedStatus.Raised, e.At)
        {
            History = [new StatusStep(nameof(NeedStatus.Raised), e.At, e.RaisedBy)],
        };

    public Need Apply(NeedMatched e) => this with
    {
        Status = NeedStatus.Matched, MatchedUnitId = e.UnitId, ResourceId = e.ResourceId,
        History = [.. History, new StatusStep(nameof(NeedStatus.Matched), e.At, e.MatchedBy, $"unit {e.UnitId}")],
    };
    public Need Apply(NeedOffered e) => this with
    {
        Offers = [.. Offers, new NeedOffer(e.UnitId, e.Note, e.OfferedBy, e.At)],
        History = [.. History, new StatusStep("Offered", e.At, e.OfferedBy, $"unit {e.UnitId}")],
    };
    public Need Apply(NeedAccepted e) => this with
    {
        Status = NeedStatus.Accepted, AcceptedAt = e.At,
        History = [.. History, new StatusStep(nameof(NeedStatus.Accepted), e.At, e.AcceptedBy)],
    };
    public Need Apply(NeedDeclined e) => this with
    {
        Status = NeedStatus.Raised, MatchedUnitId = null, ResourceId = null, DeclinedBy = [.. DeclinedBy, e.UnitId],
        History = [.. History, new StatusStep("Declined", e.At, e.DeclinedBy, e.Reason)],
    };
    public Need Apply(NeedResolved e) => this with
    {
        Status = NeedStatus.Resolved, Resolution = e.Resolution, ResolvedAt = e.At,
        History = [.. History, new StatusStep(nameof(NeedStatus.Resolved), e.At, e.ResolvedBy)],
    };
    public Need Apply(NeedClosed e) => this with
    {
        Status = NeedStatus.Closed, ClosedAt = e.At,
        History = [.. History, new StatusStep(nameof(NeedStatus.Closed), e.At, e.ClosedBy)],
    };
}

/// <summary>A member's offer to take a raised need: the county sees it and decides by matching.</summary>
public sealed record NeedOffer(Guid UnitId, string Note, string By, DateTimeOffset At);

public record RaiseNeed(
    Guid NeedId, Alliance Alliance, Guid SchoolId, NeedCategory Category, string Description, string By, DateTimeOffset Now);
/// <summary>Matched to a member unit, or to a resource (then to the unit that offers it).</summary>
public record MatchNeed(Guid NeedId, Alliance Alliance, Guid UnitId, Resource? Resource, string By, DateTimeOffset Now);
/// <summary><paramref name="CallerUnitId"/>: the member unit of the officer who acts.</summary>
public record AcceptNeed(Guid NeedId, Guid? CallerUnitId, string By, DateTimeOffset Now);
public record DeclineNeed(Guid NeedId, Guid? CallerUnitId, string Reason, string By, DateTimeOffset Now);
public record ResolveNeed(Guid NeedId, Guid? CallerUnitId, string Resolution, string By, DateTimeOffset Now);
public record CloseNeed(Guid NeedId, Guid? CallerSchoolId, string By, DateTimeOffset Now);
/// <summary><paramref name="CallerUnitId"/>: the member unit of the officer who offers; <paramref name="Alliance"/> the need's.</summary>
public record OfferToTakeNeed(Guid NeedId, Alliance Alliance, Guid? CallerUnitId, string Note, string By, DateTimeOffset Now);

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

    public static IReadOnlyList<object> Decide(OfferToTakeNeed c, Need state)
    {
        if (c.CallerUnitId is not { } unit || !c.Alliance.IsMember(unit))
        {
            throw new RuleViolation("unit-not-member", "只有本教联体的成员单位可以认领 / Only a member of the need's alliance may offer to take it.");
        }
        if (state.Status != NeedStatus.Raised)
        {
            throw new RuleViolation("need-not-raised",
                $"需求当前为 {state.Status}，县级已作决定 / The need is {state.Status}: the county has already decided.");
        }
        EnsureWorking(c.Alliance);
        if (state.Offers.Any(o => o.UnitId == unit))
        {
            throw new RuleViolation("already-offered", "您的单位已表示认领，等待县级决定 / Your unit has already offered; the county decides.");
        }
        return [new NeedOffered(state.Id, state.AllianceId, unit, c.Note.Trim(), c.By, c.Now)];
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
