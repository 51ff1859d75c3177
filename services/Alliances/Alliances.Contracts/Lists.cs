namespace JiaoLianTi.Alliances.Contracts;

/// <summary>
/// 资源发布 (资源清单): a member unit offers an alliance a venue, course, expert or volunteer places.
/// </summary>
/// <param name="Kind"><c>Venue</c>, <c>Course</c>, <c>Expert</c> or <c>VolunteerPlaces</c>.</param>
/// <param name="Topics">Topic tags, from <see cref="Pairings"/>.</param>
/// <param name="Capacity">How many people it takes at once: an activity using it may not offer more seats.</param>
/// <zh>资源发布（资源清单）：成员单位向教联体提供场馆、课程、专家或志愿岗位，含容量。</zh>
/// <en>A member unit offers an alliance a venue, course, expert or volunteer places, with its capacity (resource list).</en>
/// <version>2</version>
public sealed record ResourcePublished(
    Guid ResourceId, Guid AllianceId, Guid UnitId, string Kind, string Title, IReadOnlyList<string> Topics,
    int Capacity, string CountyCode, DateTimeOffset PublishedAt, long? Version = null);

/// <summary>资源撤回: a resource is no longer offered. Work that depends on it must stop (Activities cancels).</summary>
/// <zh>资源撤回：资源不再提供，依赖它的活动须停止。</zh>
/// <en>A resource is no longer offered; work that depends on it stops.</en>
/// <version>2</version>
public sealed record ResourceWithdrawn(
    Guid ResourceId, Guid AllianceId, string Reason, DateTimeOffset WithdrawnAt, long? Version = null);

/// <summary>
/// 需求提出 (需求清单): a school raised a need for itself or its families. The description stays in Alliances (it may
/// speak of children); the event carries the category only.
/// </summary>
/// <zh>需求提出（需求清单）：学校为本校或家庭提出需求，只带类别，不带描述。</zh>
/// <en>A school raised a need for itself or its families (needs list); the category only, never the description.</en>
/// <version>1</version>
public sealed record NeedRaised(
    Guid NeedId, Guid AllianceId, Guid SchoolId, string Category, string CountyCode, DateTimeOffset RaisedAt);

/// <summary>需求认领: the member unit a need was matched to accepted it.</summary>
/// <zh>需求认领：需求匹配到的成员单位接受了它。</zh>
/// <en>The member unit a need was matched to accepted it.</en>
/// <version>1</version>
public sealed record NeedAccepted(Guid NeedId, Guid AllianceId, Guid UnitId, DateTimeOffset AcceptedAt);

/// <summary>需求解决: the member unit resolved the need (the school closes it).</summary>
/// <zh>需求解决：成员单位已解决需求，由学校关闭。</zh>
/// <en>The member unit resolved the need; the school closes it.</en>
/// <version>1</version>
public sealed record NeedResolved(Guid NeedId, Guid AllianceId, Guid UnitId, DateTimeOffset ResolvedAt);

/// <summary>责任分配 (责任清单): a member unit owes an alliance a duty by a date.</summary>
/// <zh>责任分配（责任清单）：成员单位须在期限前为教联体履行一项职责。</zh>
/// <en>A member unit owes an alliance a duty by a date (responsibility list).</en>
/// <version>1</version>
public sealed record ResponsibilityAssigned(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, string Title, DateOnly DueOn, string CountyCode,
    DateTimeOffset AssignedAt);

/// <summary>责任逾期: a responsibility passed its due date (plus its SLA) undone. Published once.</summary>
/// <zh>责任逾期：职责超过期限（含宽限）仍未完成，只发布一次。</zh>
/// <en>A responsibility passed its due date (plus its SLA) undone; published once.</en>
/// <version>1</version>
public sealed record ResponsibilityOverdue(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, DateOnly DueOn, string CountyCode, DateTimeOffset DetectedAt);

/// <summary>责任督办: an overdue responsibility was escalated to the county's education bureau.</summary>
/// <zh>责任督办：逾期职责已上报县教育局督办。</zh>
/// <en>An overdue responsibility was escalated to the county education bureau.</en>
/// <version>1</version>
public sealed record ResponsibilityEscalated(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, string CountyCode, DateTimeOffset EscalatedAt);
