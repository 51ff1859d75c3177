using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Responsibilities;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>Every history says who changed the status, not only when.</summary>
public sealed class WhoChangedTests
{
    [Fact]
    public void The_alliances_history_names_who_established_suspended_and_dissolved_it()
    {
        var alliance = Alliance()
            .With(AllianceDecider.Decide(new SuspendAlliance(Guid.Empty, "整改", "county-officer-1", Now), Alliance()))
            .With([new AllianceReestablished(Guid.Empty, County, "county-officer-2", Now)])
            .Dissolved();
        Assert.Equal(["admin", "county-officer-1", "county-officer-2", "admin"], alliance.History.Select(h => h.By));
        Assert.Equal("整改", alliance.History[1].Reason);
    }

    [Fact]
    public void A_needs_and_a_responsibilitys_history_name_each_actor_and_the_check()
    {
        var need = Needs.Raised();
        need = need.Then(NeedDecider.Decide(new MatchNeed(need.Id, Needs.Alliance, Needs.Police.Id, null, "county", Now), need));
        need = need.Then(NeedDecider.Decide(new DeclineNeed(need.Id, Needs.Police.Id, "人手不足", "police", Now), need));
        Assert.Equal([("Raised", "school"), ("Matched", "county"), ("Declined", "police")], need.History.Select(h => (h.Status, h.By)));

        var duty = Duties.Assigned(Duties.Today);
        foreach (var e in ResponsibilityDecider.Decide(new MarkOverdue(duty.Id, duty.Deadline), duty))
        {
            duty = e switch { ResponsibilityOverdue o => duty.Apply(o), ResponsibilityEscalated x => duty.Apply(x), _ => duty };
        }
        Assert.Equal([("Assigned", "a"), ("Overdue", StatusStep.System), ("Escalated", StatusStep.System)],
            duty.History.Select(h => (h.Status, h.By)));
    }
}
