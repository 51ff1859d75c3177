using JasperFx.Events;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.SupportPlans;
using Marten;
using MassTransit;
using Contracts = JiaoLianTi.Wellbeing.Contracts;

namespace JiaoLianTi.Wellbeing.Integration;

/// <summary>
/// CampusSafety asks for support of a student (a bullying target, by opaque id): a support plan proposal is opened,
/// for the school's counsellor to take up. The plan id is the request id, so a redelivery proposes nothing twice.
/// </summary>
public sealed class SupportRequestedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<SupportRequested>
{
    public async Task Consume(ConsumeContext<SupportRequested> context)
    {
        var m = context.Message;
        if (await session.Events.FetchStreamStateAsync(m.RequestId, context.CancellationToken) is not null)
        {
            return;
        }
        var events = SupportPlanDecider.Decide(new ProposePlan(m.RequestId, m.StudentId, m.SchoolId, m.CountyCode, m.Reason, m.RequestId,
            "campussafety", clock.GetUtcNow()), null);
        session.Events.StartStream<SupportPlan>(m.RequestId, events.ToArray());
    }
}
