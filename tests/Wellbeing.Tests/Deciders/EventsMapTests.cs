using JasperFx.Events;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Wellbeing.Integration;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.SupportPlans;
using Xunit;
using Contracts = JiaoLianTi.Wellbeing.Contracts;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

/// <summary>What leaves the service: the five contracts, with ids and codes only; everything else stays inside.</summary>
public sealed class EventsMapTests
{
    private static object? Map(object data) => new WellbeingEventsMap().ToIntegrationEvent(new Event<object>(data));

    [Fact]
    public void Referral_crisis_and_plan_events_leave_as_their_contracts_and_sealed_text_stays()
    {
        var unit = Guid.NewGuid();
        var made = Assert.IsType<Contracts.ReferralMade>(Map(new ReferralMade(Guid.NewGuid(), Given.Student, Given.School, "510104", unit, Urgency.Urgent, Given.Cipher, "c1", Given.Now)));
        Assert.Equal(("Urgent", unit), (made.Urgency, made.UnitId));
        Assert.Equal("Acceptance", Assert.IsType<Contracts.ReferralOverdue>(Map(new ReferralOverdueDetected(Guid.NewGuid(), Given.School, unit, ReferralStep.Acceptance, Given.Now, Given.Now))).Step);
        Assert.Equal("County", Assert.IsType<Contracts.CrisisEscalated>(Map(new CrisisLevelNotified(Guid.NewGuid(), Given.Student, Given.School, "510104", CrisisLevel.County, Given.Now, Given.Now))).Level);
        Assert.IsType<Contracts.SupportPlanOpened>(Map(new PlanOpened(Guid.NewGuid(), Given.Student, Given.School, "510104", "c1", Given.Cipher, unit, Given.Cipher, "c1", Given.Now)));
        Assert.Equal("GoalsMet", Assert.IsType<Contracts.SupportPlanClosed>(Map(new PlanClosed(Guid.NewGuid(), Given.School, "510104", PlanOutcome.GoalsMet, Given.Cipher, "c1", Given.Now))).Outcome);
        Assert.Null(Map(new Children.ChildRecorded(Given.Student, Given.School, "510104", Given.Cipher, true, Children.ConsentStatus.Given, Given.Cipher, "a", Given.Now)));
    }
}
