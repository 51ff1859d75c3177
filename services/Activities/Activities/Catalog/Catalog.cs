namespace JiaoLianTi.Activities.Catalog;

/// <summary>
/// 资源: a resource an alliance member offers, as Activities learns it from Alliances' ResourcePublished and
/// ResourceWithdrawn. An activity using it may offer at most <see cref="Capacity"/> seats.
/// </summary>
public sealed record KnownResource(
    Guid Id, Guid AllianceId, Guid UnitId, string Kind, string Title, IReadOnlyList<string> Topics, int Capacity,
    string CountyCode, bool Withdrawn, string? WithdrawnReason, DateTimeOffset PublishedAt);

/// <summary>A school, as Activities learns it from Alliances' MemberUnitRegistered: its id and county.</summary>
public sealed record KnownSchool(Guid Id, string Name, string CountyCode, DateTimeOffset RegisteredAt);
