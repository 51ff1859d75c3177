using JiaoLianTi.Activities.Activities;
using SafetyPlanApproved = JiaoLianTi.CampusSafety.Contracts.SafetyPlanApproved;
using SafetyPlanRejected = JiaoLianTi.CampusSafety.Contracts.SafetyPlanRejected;
using Marten;
using MassTransit;

namespace JiaoLianTi.Activities.Integration;

/// <summary>CampusSafety approved the safety plan of an off-campus activity: it opens (if still waiting for it).</summary>
public sealed class SafetyPlanApprovedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<SafetyPlanApproved>
{
    public async Task Consume(ConsumeContext<SafetyPlanApproved> context)
    {
        var e = context.Message;
        var stream = await session.Events.FetchForWriting<Activity>(e.ActivityId, context.CancellationToken);
        if (stream.Aggregate is { } activity)
        {
            stream.AppendMany(ActivityDecider.Decide(
                new ApproveSafetyPlan(e.ActivityId, e.PlanId, clock.GetUtcNow()), activity).ToArray());
        }
    }
}

/// <summary>CampusSafety rejected the safety plan: the activity goes back to draft, with the reviewer's reasons.</summary>
public sealed class SafetyPlanRejectedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<SafetyPlanRejected>
{
    public async Task Consume(ConsumeContext<SafetyPlanRejected> context)
    {
        var e = context.Message;
        var stream = await session.Events.FetchForWriting<Activity>(e.ActivityId, context.CancellationToken);
        if (stream.Aggregate is { } activity)
        {
            stream.AppendMany(ActivityDecider.Decide(
                new RejectSafetyPlan(e.ActivityId, e.PlanId, e.Reasons, clock.GetUtcNow()), activity).ToArray());
        }
    }
}
