namespace JiaoLianTi.Alliances.Contracts;

/// <summary>
/// 资源发布 (资源清单): a member unit offers an alliance a venue, course, expert or volunteer places.
/// </summary>
/// <param name="Kind"><c>Venue</c>, <c>Course</c>, <c>Expert</c> or <c>VolunteerPlaces</c>.</param>
/// <param name="Topics">Topic tags, from <see cref="Pairings"/>.</param>
/// <param name="Capacity">How many people it takes at once: an activity using it may not offer more seats.</param>
public sealed record ResourcePublished(
    Guid ResourceId, Guid AllianceId, Guid UnitId, string Kind, string Title, IReadOnlyList<string> Topics,
    int Capacity, string CountyCode, DateTimeOffset PublishedAt, long? Version = null);

/// <summary>资源撤回: a resource is no longer offered. Work that depends on it must stop (Activities cancels).</summary>
public sealed record ResourceWithdrawn(
    Guid ResourceId, Guid AllianceId, string Reason, DateTimeOffset WithdrawnAt, long? Version = null);

/// <summary>
/// 需求提出 (需求清单): a school raised a need for itself or its families. The description stays in Alliances (it may
/// speak of children); the event carries the category only.
/// </summary>
public sealed record NeedRaised(
    Guid NeedId, Guid AllianceId, Guid SchoolId, string Category, string CountyCode, DateTimeOffset RaisedAt);

/// <summary>需求认领: the member unit a need was matched to accepted it.</summary>
public sealed record NeedAccepted(Guid NeedId, Guid AllianceId, Guid UnitId, DateTimeOffset AcceptedAt);

/// <summary>需求解决: the member unit resolved the need (the school closes it).</summary>
public sealed record NeedResolved(Guid NeedId, Guid AllianceId, Guid UnitId, DateTimeOffset ResolvedAt);

/// <summary>责任分配 (责任清单): a member unit owes an alliance a duty by a date.</summary>
public sealed record ResponsibilityAssigned(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, string Title, DateOnly DueOn, string CountyCode,
    DateTimeOffset AssignedAt);

/// <summary>责任逾期: a responsibility passed its due date (plus its SLA) undone. Published once.</summary>
public sealed record ResponsibilityOverdue(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, DateOnly DueOn, string CountyCode, DateTimeOffset DetectedAt);

/// <summary>责任督办: an overdue responsibility was escalated to the county's education bureau.</summary>
public sealed record ResponsibilityEscalated(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, string CountyCode, DateTimeOffset EscalatedAt);
