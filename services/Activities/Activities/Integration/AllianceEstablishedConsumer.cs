using JiaoLianTi.Activities.Alliances;
using Marten;
using MassTransit;
using AllianceEstablished = JiaoLianTi.Alliances.Contracts.AllianceEstablished;

namespace JiaoLianTi.Activities.Integration;

/// <summary>
/// Keeps <see cref="KnownAlliance"/> up to date. Stages the change only: the idempotency filter commits it together
/// with the message id.
/// </summary>
public sealed class AllianceEstablishedConsumer(IDocumentSession session) : IConsumer<AllianceEstablished>
{
    public Task Consume(ConsumeContext<AllianceEstablished> context)
    {
        var e = context.Message;
        session.Store(new KnownAlliance(e.AllianceId, e.Name, e.Kind, e.CountyCode, e.LeadUnit, e.EstablishedAt, e.LeadUnitId));
        return Task.CompletedTask;
    }
}
