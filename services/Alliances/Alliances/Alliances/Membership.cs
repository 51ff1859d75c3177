using JiaoLianTi.Alliances.Units;
using Marten;
using Marten.Events.Projections;

namespace JiaoLianTi.Alliances.Alliances;

/// <summary>
/// One membership, joined and perhaps left: a flat row per (alliance, unit, joining) so that coverage can count
/// members by kind as of any date, and a unit's alliances can be listed, without opening alliance documents.
/// </summary>
public sealed record Membership(
    string Id, Guid AllianceId, Guid UnitId, MemberUnitKind UnitKind, string CountyCode, MemberRole Role,
    DateTimeOffset JoinedAt, DateTimeOffset? LeftAt)
{
    /// <summary>The unit's name, in lists (<see cref="Names"/>); never stored.</summary>
    public string? UnitName { get; init; }

    public static string IdOf(Guid allianceId, Guid unitId, DateTimeOffset joinedAt) =>
        $"{allianceId:N}:{unitId:N}:{joinedAt.UtcTicks}";
}

/// <summary>Inline: the row is written in the same transaction as the event.</summary>
public sealed partial class MembershipProjection : EventProjection
{
    public void Project(MemberJoined e, IDocumentOperations ops) =>
        ops.Store(new Membership(Membership.IdOf(e.AllianceId, e.UnitId, e.At), e.AllianceId, e.UnitId, e.UnitKind,
            e.CountyCode, e.Role, e.At, null));

    public void Project(MemberLeft e, IDocumentOperations ops) =>
        ops.Store(new Membership(Membership.IdOf(e.AllianceId, e.UnitId, e.JoinedAt), e.AllianceId, e.UnitId, e.UnitKind,
            e.CountyCode, e.Role, e.JoinedAt, e.At));
}
