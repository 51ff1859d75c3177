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

/// <summary>Which internal events leave Wellbeing, and as which contract: ids, codes, tiers and statuses only.</summary>
public sealed class WellbeingEventsMap : IIntegrationEventMap
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(ReferralMade),
        typeof(ReferralOverdueDetected),
        typeof(CrisisLevelNotified),
        typeof(PlanOpened),
        typeof(PlanClosed),
        typeof(HealthScreening.HealthResultRecorded),
        typeof(Erasure.ChildErasureAsked),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        ReferralMade e => new Contracts.ReferralMade(e.ReferralId, e.StudentId, e.SchoolId, e.UnitId, e.CountyCode, e.Urgency.ToString(), e.At, e.Screening?.RoundId),
        ReferralOverdueDetected e => new Contracts.ReferralOverdue(e.ReferralId, e.SchoolId, e.UnitId, e.Step.ToString(), e.At),
        CrisisLevelNotified e => new Contracts.CrisisEscalated(e.EscalationId, e.SchoolId, e.CountyCode, e.Level.ToString(), e.At),
        PlanOpened e => new Contracts.SupportPlanOpened(e.PlanId, e.StudentId, e.SchoolId, e.CountyCode, e.At),
        PlanClosed e => new Contracts.SupportPlanClosed(e.PlanId, e.SchoolId, e.CountyCode, e.Outcome.ToString(), e.At),
        HealthScreening.HealthResultRecorded e => new Contracts.HealthScreeningResultReady(e.ResultId, e.RoundId, e.StudentId, e.SchoolId, e.UnitId, e.CountyCode, e.At),
        Erasure.ChildErasureAsked e => new Contracts.ChildErasureRequested(e.RequestId, e.StudentId, e.At),
        _ => null,
    };
}
