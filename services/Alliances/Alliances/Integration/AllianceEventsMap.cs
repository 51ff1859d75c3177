using JasperFx.Events;
using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.Alliances.Contracts;

namespace JiaoLianTi.Alliances.Integration;

/// <summary>
/// Which internal events leave Alliances, and as which contract. What stays inside: contact officers, need
/// descriptions (they may speak of children), charters, minutes, and the steps no other service acts on.
/// </summary>
public sealed class AllianceEventsMap : IIntegrationEventMap
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(MemberUnitRegistered),
        typeof(AllianceEstablished),
        typeof(AllianceSuspended),
        typeof(AllianceReestablished),
        typeof(AllianceDissolved),
        typeof(MemberJoined),
        typeof(MemberLeft),
        typeof(ResourcePublished),
        typeof(ResourceWithdrawn),
        typeof(NeedRaised),
        typeof(NeedAccepted),
        typeof(NeedResolved),
        typeof(ResponsibilityAssigned),
        typeof(ResponsibilityOverdue),
        typeof(ResponsibilityEscalated),
    ];

    public object? ToIntegrationEvent(IEvent @event) => Map(@event.Data, @event.Version > 0 ? @event.Version : null);

    /// <summary>
    /// The facts other services keep a copy of carry the event's stream version, so that a consumer applies the newer
    /// of two facts whatever order they arrive in (<see cref="Contracts.FactOrder"/>).
    /// </summary>
    private static object? Map(object data, long? version) => data switch
    {
        MemberUnitRegistered e => new Contracts.MemberUnitRegistered(e.UnitId, e.Kind.ToString(), e.Name, e.CountyCode, e.At, version),
        AllianceEstablished e => new Contracts.AllianceEstablished(
            e.AllianceId, e.Name, e.Kind.ToString(), e.CountyCode, e.LeadUnit, e.At, e.LeadUnitId, version),
        AllianceSuspended e => new Contracts.AllianceSuspended(e.AllianceId, e.CountyCode, e.Reason, e.At, version),
        AllianceReestablished e => new Contracts.AllianceReestablished(e.AllianceId, e.CountyCode, e.At, version),
        AllianceDissolved e => new Contracts.AllianceDissolved(e.AllianceId, e.CountyCode, e.Reason, e.At, version),
        MemberJoined e => new Contracts.MemberJoined(e.AllianceId, e.UnitId, e.UnitKind.ToString(), e.CountyCode, e.Role.ToString(), e.At, version),
        MemberLeft e => new Contracts.MemberLeft(e.AllianceId, e.UnitId, e.At, version),
        ResourcePublished e => new Contracts.ResourcePublished(
            e.ResourceId, e.AllianceId, e.UnitId, e.Kind.ToString(), e.Title, e.Topics, e.Capacity, e.CountyCode, e.At, version),
        ResourceWithdrawn e => new Contracts.ResourceWithdrawn(e.ResourceId, e.AllianceId, e.Reason, e.At, version),
        NeedRaised e => new Contracts.NeedRaised(e.NeedId, e.AllianceId, e.SchoolId, e.Category.ToString(), e.CountyCode, e.At),
        NeedAccepted e => new Contracts.NeedAccepted(e.NeedId, e.AllianceId, e.UnitId, e.At),
        NeedResolved e => new Contracts.NeedResolved(e.NeedId, e.AllianceId, e.UnitId, e.At),
        ResponsibilityAssigned e => new Contracts.ResponsibilityAssigned(
            e.ResponsibilityId, e.AllianceId, e.UnitId, e.Title, e.DueOn, e.CountyCode, e.At),
        ResponsibilityOverdue e => new Contracts.ResponsibilityOverdue(
            e.ResponsibilityId, e.AllianceId, e.UnitId, e.DueOn, e.CountyCode, e.At),
        ResponsibilityEscalated e => new Contracts.ResponsibilityEscalated(e.ResponsibilityId, e.AllianceId, e.UnitId, e.CountyCode, e.At),
        _ => null,
    };
}
