using JiaoLianTi.Activities.Contracts;
using JiaoLianTi.CampusSafety.SafetyPlans;
using JiaoLianTi.Platform.EventStore;
using Marten;
using MassTransit;

namespace JiaoLianTi.CampusSafety.Integration;

/// <summary>
/// Activities asks for a review: a new safety plan stream, staged in the scoped session (the idempotency filter
/// commits it with the message id, so a redelivery opens no second plan).
/// </summary>
public sealed class SafetyPlanRequestedConsumer(IDocumentSession session) : IConsumer<SafetyPlanRequested>
{
    public Task Consume(ConsumeContext<SafetyPlanRequested> context)
    {
        var m = context.Message;
        var planId = NameBasedIds.Create(context.MessageId ?? Guid.NewGuid(), "safety-plan");
        session.Events.StartStream<SafetyPlan>(planId, new SafetyPlanSubmitted(planId, m.ActivityId, m.SchoolId,
            m.CountyCode, m.Title, m.Location, m.StartsAt, m.EndsAt, m.Participants, m.Arrangements, m.RequestedAt));
        return Task.CompletedTask;
    }
}
