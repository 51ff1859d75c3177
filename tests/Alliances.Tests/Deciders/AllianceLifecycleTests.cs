using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Units;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

public sealed class EstablishSchoolAllianceTests
{
    [Fact]
    public void A_school_alliance_is_led_by_its_school_which_joins_as_lead()
    {
        var school = Unit();
        var events = AllianceDecider.Decide(new EstablishAlliance(Guid.NewGuid(), "校级", AllianceKind.School, County, "",
            "admin", Now, school, " 章程 "), null);

        var established = Assert.IsType<AllianceEstablished>(events[0]);
        Assert.Equal(school.Id, established.LeadUnitId);
        Assert.Equal(school.Name, established.LeadUnit);
        Assert.Equal("章程", established.Charter);
        var lead = Assert.IsType<MemberJoined>(events[1]);
        Assert.Equal((school.Id, MemberRole.Lead), (lead.UnitId, lead.Role));
    }

    [Fact]
    public void A_lead_school_of_another_county_is_refused() =>
        Assert.Equal("school-alliance-outside-county", Refusal(() => AllianceDecider.Decide(new EstablishAlliance(
            Guid.NewGuid(), "校级", AllianceKind.School, County, "", "admin", Now, Unit(county: "510105")), null)));

    [Fact]
    public void A_school_alliance_led_by_a_unit_that_is_no_school_is_refused() =>
        Assert.Equal("school-alliance-needs-school", Refusal(() => AllianceDecider.Decide(new EstablishAlliance(
            Guid.NewGuid(), "校级", AllianceKind.School, County, "", "admin", Now, Unit(MemberUnitKind.Hospital)), null)));

    [Fact]
    public void Proposing_appends_only_the_proposal()
    {
        var events = AllianceDecider.Decide(new EstablishAlliance(Guid.NewGuid(), "区域", AllianceKind.Regional, County,
            "教育局", "admin", Now, ProposeOnly: true), null);
        var proposed = Assert.IsType<AllianceProposed>(Assert.Single(events));
        Assert.Equal(AllianceStatus.Proposed, JiaoLianTi.Alliances.Alliances.Alliance.Create(proposed).Status);
    }
}

public sealed class EstablishProposedAllianceTests
{
    [Fact]
    public void A_proposed_alliance_is_established_and_its_lead_joins()
    {
        var school = Unit();
        var proposed = JiaoLianTi.Alliances.Alliances.Alliance.Create(new AllianceProposed(Guid.NewGuid(), "校级", AllianceKind.School, County, "学校", school.Id,
            null, "admin", Now));

        var events = AllianceDecider.Decide(new EstablishProposedAlliance(proposed.Id, school, "admin", Now.AddDays(30)), proposed);

        Assert.Equal(Now.AddDays(30), Assert.IsType<AllianceEstablished>(events[0]).At);
        Assert.Equal(MemberRole.Lead, Assert.IsType<MemberJoined>(events[1]).Role);
    }

    [Fact]
    public void An_established_alliance_cannot_be_established_again() =>
        Assert.Equal("alliance-not-proposed", Refusal(() =>
            AllianceDecider.Decide(new EstablishProposedAlliance(Guid.NewGuid(), null, "admin", Now), Alliance())));
}

public sealed class SuspendAllianceTests
{
    [Fact]
    public void An_established_alliance_is_suspended_with_its_reason()
    {
        var state = Alliance();
        var e = Assert.IsType<AllianceSuspended>(Assert.Single(AllianceDecider.Decide(new SuspendAlliance(state.Id, " 整顿 ", "admin", Now), state)));
        Assert.Equal(("整顿", County), (e.Reason, e.CountyCode));
        Assert.Equal(AllianceStatus.Suspended, state.Apply(e).Status);
    }

    [Fact]
    public void A_suspended_alliance_cannot_be_suspended_again() =>
        Assert.Equal("alliance-not-established", Refusal(() =>
            AllianceDecider.Decide(new SuspendAlliance(Guid.NewGuid(), "x", "admin", Now), Alliance().Suspended())));
}

public sealed class ReestablishAllianceTests
{
    [Fact]
    public void A_suspended_alliance_is_established_again_and_its_history_says_when()
    {
        var state = Alliance().Suspended();
        var events = AllianceDecider.Decide(new ReestablishAlliance(state.Id, "admin", Now.AddDays(3)), state);
        var after = state.With(events);
        Assert.Equal(AllianceStatus.Established, after.Status);
        Assert.Equal([AllianceStatus.Established, AllianceStatus.Suspended, AllianceStatus.Established], after.History.Select(h => h.Status));
        Assert.Equal(AllianceStatus.Suspended, after.StatusAsOf(Now.AddDays(1)));
    }

    [Fact]
    public void An_established_alliance_is_not_reestablished() =>
        Assert.Equal("alliance-not-suspended", Refusal(() =>
            AllianceDecider.Decide(new ReestablishAlliance(Guid.NewGuid(), "admin", Now), Alliance())));
}

public sealed class DissolveAllianceTests
{
    [Fact]
    public void Dissolving_ends_every_membership_at_the_same_moment()
    {
        var state = Alliance().Joined(Unit()).Joined(Unit(MemberUnitKind.PoliceStation));
        var events = AllianceDecider.Decide(new DissolveAlliance(state.Id, "合并", "admin", Now), state);
        Assert.IsType<AllianceDissolved>(events[0]);
        Assert.Equal(2, events.OfType<MemberLeft>().Count(l => l.At == Now));
        Assert.Empty(state.With(events).Members);
    }

    [Fact]
    public void A_dissolved_alliance_stays_dissolved() =>
        Assert.Equal("alliance-dissolved", Refusal(() =>
            AllianceDecider.Decide(new DissolveAlliance(Guid.NewGuid(), "x", "admin", Now), Alliance().Dissolved())));
}

public sealed class AmendCharterTests
{
    [Fact]
    public void A_new_charter_is_recorded_and_the_same_one_appends_nothing()
    {
        var state = Alliance();
        var amended = state.With(AllianceDecider.Decide(new AmendCharter(state.Id, "第一条", "admin", Now), state));
        Assert.Equal("第一条", amended.Charter);
        Assert.Empty(AllianceDecider.Decide(new AmendCharter(state.Id, "第一条 ", "admin", Now), amended));
    }
}

public sealed class JoinAllianceTests
{
    [Fact]
    public void A_unit_joins_with_its_kind_role_and_county()
    {
        var state = Alliance();
        var unit = Unit(MemberUnitKind.TrafficPolice);
        var joined = Assert.IsType<MemberJoined>(Assert.Single(AllianceDecider.Decide(
            new JoinAlliance(state.Id, unit, MemberRole.Partner, "admin", Now), state)));
        Assert.Equal((unit.Id, MemberUnitKind.TrafficPolice, MemberRole.Partner, County), (joined.UnitId, joined.UnitKind, joined.Role, joined.CountyCode));
    }

    [Fact]
    public void A_unit_joining_twice_is_refused()
    {
        var unit = Unit();
        var state = Alliance().Joined(unit);
        Assert.Equal("already-member", Refusal(() => AllianceDecider.Decide(new JoinAlliance(state.Id, unit, MemberRole.Member, "a", Now), state)));
    }

    [Fact]
    public void Joining_a_dissolved_or_suspended_alliance_is_refused()
    {
        Assert.Equal("alliance-dissolved", Refusal(() =>
            AllianceDecider.Decide(new JoinAlliance(Guid.NewGuid(), Unit(), MemberRole.Member, "a", Now), Alliance().Dissolved())));
        Assert.Equal("alliance-suspended", Refusal(() =>
            AllianceDecider.Decide(new JoinAlliance(Guid.NewGuid(), Unit(), MemberRole.Member, "a", Now), Alliance().Suspended())));
    }

    [Fact]
    public void A_second_lead_is_refused()
    {
        var state = Alliance().Joined(Unit(), MemberRole.Lead);
        Assert.Equal("lead-exists", Refusal(() => AllianceDecider.Decide(new JoinAlliance(state.Id, Unit(), MemberRole.Lead, "a", Now), state)));
    }
}

public sealed class LeaveAllianceTests
{
    [Fact]
    public void A_member_leaves_and_the_event_repeats_when_it_joined()
    {
        var unit = Unit(MemberUnitKind.Library);
        var state = Alliance().Joined(unit);
        var left = Assert.IsType<MemberLeft>(Assert.Single(AllianceDecider.Decide(new LeaveAlliance(state.Id, unit.Id, "调整", "a", Now.AddDays(1)), state)));
        Assert.Equal((Now, Now.AddDays(1), MemberUnitKind.Library), (left.JoinedAt, left.At, left.UnitKind));
    }

    [Fact]
    public void A_unit_that_is_no_member_or_the_lead_cannot_leave()
    {
        var lead = Unit();
        var state = Alliance().Joined(lead, MemberRole.Lead);
        Assert.Equal("not-a-member", Refusal(() => AllianceDecider.Decide(new LeaveAlliance(state.Id, Guid.NewGuid(), "", "a", Now), state)));
        Assert.Equal("lead-cannot-leave", Refusal(() => AllianceDecider.Decide(new LeaveAlliance(state.Id, lead.Id, "", "a", Now), state)));
    }
}

public sealed class RegisterUnitTests
{
    [Fact]
    public void A_unit_is_registered_with_trimmed_names_and_only_once()
    {
        var command = new RegisterUnit(Guid.NewGuid(), MemberUnitKind.Museum, " 四川博物院 ", County, " 李 ", "028", "admin", Now);
        var registered = Assert.IsType<MemberUnitRegistered>(Assert.Single(MemberUnitDecider.Decide(command, null)));
        Assert.Equal(("四川博物院", "李"), (registered.Name, registered.ContactOfficer));
        Assert.Equal("unit-exists", Refusal(() => MemberUnitDecider.Decide(command, MemberUnit.Create(registered))));
    }
}

public sealed class ChangeUnitContactTests
{
    [Fact]
    public void A_new_contact_is_recorded_and_the_same_one_appends_nothing()
    {
        var unit = Unit();
        var changed = Assert.IsType<UnitContactChanged>(Assert.Single(MemberUnitDecider.Decide(new ChangeUnitContact(unit.Id, "张", "1", "a", Now), unit)));
        Assert.Empty(MemberUnitDecider.Decide(new ChangeUnitContact(unit.Id, "张", "1", "a", Now), unit.Apply(changed)));
    }
}
