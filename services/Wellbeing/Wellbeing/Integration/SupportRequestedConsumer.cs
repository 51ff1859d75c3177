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
        // No plan without a record and consent: for a child the school has not recorded (with a guardian's consent),
        // the proposal waits and the school is asked to record the child first (an alert, RecordNeeded).
        var child = await session.LoadAsync<Children.Child>(m.StudentId, context.CancellationToken);
        var events = SupportPlanDecider.Decide(new ProposePlan(m.RequestId, m.StudentId, m.SchoolId, m.CountyCode, m.Reason, m.RequestId,
            "campussafety", clock.GetUtcNow(), child?.HasConsent == true), null);
        session.Events.StartStream<SupportPlan>(m.RequestId, events.ToArray());
    }
}
