using JasperFx.Events;
using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.Alliances.Contracts;

namespace JiaoLianTi.Alliances.Integration;

/// <summary>Which internal events leave Alliances, and as which contract.</summary>
public sealed class AllianceEventsMap : IIntegrationEventMap
{
    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        AllianceEstablished e => new Contracts.AllianceEstablished(
            e.AllianceId, e.Name, e.Kind.ToString(), e.CountyCode, e.LeadUnit, e.At),
        _ => null,
    };
}
