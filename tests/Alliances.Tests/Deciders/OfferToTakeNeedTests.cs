using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Units;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>A member unit offers to take a raised need of its alliance; the county still decides by matching.</summary>
public sealed class OfferToTakeNeedTests
{
    private static OfferToTakeNeed Offer(Need need, Guid? unit) => new(need.Id, Needs.Alliance, unit, " 可以派民警 ", "officer", Now);

    [Fact]
    public void A_member_offers_once_and_the_need_stays_raised_for_the_county_to_match()
    {
        var need = Needs.Raised();
        var offered = Assert.IsType<NeedOffered>(Assert.Single(NeedDecider.Decide(Offer(need, Needs.Police.Id), need)));
        Assert.Equal((Needs.Police.Id, "可以派民警"), (offered.UnitId, offered.Note));
        var after = need.Then([offered]);
        Assert.Equal(NeedStatus.Raised, after.Status);
        Assert.Null(after.MatchedUnitId);
        Assert.Equal(Needs.Police.Id, Assert.Single(after.Offers).UnitId);
        Assert.Equal("already-offered", Refusal(() => NeedDecider.Decide(Offer(after, Needs.Police.Id), after)));
    }

    [Fact]
    public void A_unit_outside_the_alliance_or_a_need_already_matched_takes_no_offer()
    {
        var need = Needs.Raised();
        Assert.Equal("unit-not-member", Refusal(() => NeedDecider.Decide(Offer(need, Unit(MemberUnitKind.Hospital).Id), need)));
        Assert.Equal("unit-not-member", Refusal(() => NeedDecider.Decide(Offer(need, null), need)));
        var matched = need.Then(NeedDecider.Decide(new MatchNeed(need.Id, Needs.Alliance, Needs.Police.Id, null, "county", Now), need));
        Assert.Equal("need-not-raised", Refusal(() => NeedDecider.Decide(Offer(matched, Needs.Police.Id), matched)));
    }
}
