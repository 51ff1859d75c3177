using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Alliances.Resources;

/// <summary>资源类型: what a member offers.</summary>
public enum ResourceKind { Venue, Course, Expert, VolunteerPlaces }

public enum ResourceStatus { Published, Withdrawn }

public record ResourcePublished(
    Guid ResourceId, Guid AllianceId, Guid UnitId, ResourceKind Kind, string Title, string[] Topics, int Capacity,
    string Schedule, string CountyCode, string PublishedBy, DateTimeOffset At);

public record ResourceWithdrawn(Guid ResourceId, Guid AllianceId, string CountyCode, string Reason, string WithdrawnBy, DateTimeOffset At);

/// <summary>资源清单: one resource, its state and its inline read model.</summary>
public sealed record Resource(
    Guid Id, Guid AllianceId, Guid UnitId, ResourceKind Kind, string Title, string[] Topics, int Capacity,
    string Schedule, string CountyCode, ResourceStatus Status, DateTimeOffset PublishedAt)
{
    public long Version { get; set; }
    /// <summary>Names beside the ids, in lists (<see cref="Names"/>); never stored.</summary>
    public string? AllianceName { get; init; }
    public string? UnitName { get; init; }
    public DateTimeOffset? WithdrawnAt { get; init; }
    public string? WithdrawalReason { get; init; }
    public IReadOnlyList<StatusStep> History { get; init; } = [];

    public static Resource Create(ResourcePublished e) =>
        new(e.ResourceId, e.AllianceId, e.UnitId, e.Kind, e.Title, e.Topics, e.Capacity, e.Schedule, e.CountyCode,
            ResourceStatus.Published, e.At)
        {
            History = [new StatusStep(nameof(ResourceStatus.Published), e.At, e.PublishedBy)],
        };

    public Resource Apply(ResourceWithdrawn e) => this with
    {
        Status = ResourceStatus.Withdrawn, WithdrawnAt = e.At, WithdrawalReason = e.Reason,
        History = [.. History, new StatusStep(nameof(ResourceStatus.Withdrawn), e.At, e.WithdrawnBy, e.Reason)],
    };
}

public record PublishResource(
    Guid ResourceId, Alliance Alliance, MemberUnit Unit, ResourceKind Kind, string Title, IReadOnlyList<string> Topics,
    int Capacity, string Schedule, string By, DateTimeOffset Now);

public record WithdrawResource(Guid ResourceId, string Reason, string By, DateTimeOffset Now);

public static class ResourceDecider
{
    public static IReadOnlyList<object> Decide(PublishResource c, Resource? state)
    {
        if (state is not null)
        {
            throw new RuleViolation("resource-exists", "资源已存在 / The resource already exists.");
        }
        if (c.Alliance.Status != AllianceStatus.Established)
        {
            throw new RuleViolation("alliance-not-established",
                $"教联体当前为 {c.Alliance.Status}，不能发布资源 / The alliance is {c.Alliance.Status}: it takes no new resources.");
        }
        if (!c.Alliance.IsMember(c.Unit.Id))
        {
            throw new RuleViolation("unit-not-member", $"{c.Unit.Name} 不是该教联体成员 / The unit is not a member of this alliance.");
        }
        return [new ResourcePublished(c.ResourceId, c.Alliance.Id, c.Unit.Id, c.Kind, c.Title.Trim(),
            c.Topics.Distinct().ToArray(), c.Capacity, c.Schedule.Trim(), c.Alliance.CountyCode, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(WithdrawResource c, Resource state) => state.Status switch
    {
        ResourceStatus.Published => [new ResourceWithdrawn(state.Id, state.AllianceId, state.CountyCode, c.Reason.Trim(), c.By, c.Now)],
        _ => throw new RuleViolation("resource-withdrawn", "资源已撤回 / The resource has already been withdrawn."),
    };
}
