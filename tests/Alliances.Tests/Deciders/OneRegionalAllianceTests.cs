using JiaoLianTi.Alliances.Alliances;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>一县一个区域教联体: a second regional alliance is refused while the county's first is not dissolved.</summary>
public sealed class OneRegionalAllianceTests
{
    private static EstablishAlliance Command(AllianceKind kind, Alliance? regional, bool propose = false) =>
        new(Guid.NewGuid(), "第二个", kind, County, "教育局", "admin", Now, Lead: kind == AllianceKind.School ? Unit() : null,
            ProposeOnly: propose, RegionalInCounty: regional);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_second_regional_alliance_is_refused_while_one_is_established_proposed_or_suspended(bool propose)
    {
        var established = Alliance();
        Assert.Equal("regional-alliance-exists", Refusal(() => AllianceDecider.Decide(Command(AllianceKind.Regional, established, propose), null)));
        Assert.Equal("regional-alliance-exists", Refusal(() => AllianceDecider.Decide(Command(AllianceKind.Regional, established.Suspended(), propose), null)));
        var proposed = Alliances.Alliance.Create(new AllianceProposed(Guid.NewGuid(), "筹", AllianceKind.Regional, County, "局", null, null, "admin", Now));
        Assert.Equal("regional-alliance-exists", Refusal(() => AllianceDecider.Decide(Command(AllianceKind.Regional, proposed, propose), null)));
    }

    [Fact]
    public void A_county_without_one_establishes_it_and_school_alliances_are_not_limited()
    {
        Assert.IsType<AllianceEstablished>(AllianceDecider.Decide(Command(AllianceKind.Regional, null), null)[0]);
        Assert.IsType<AllianceEstablished>(AllianceDecider.Decide(Command(AllianceKind.School, Alliance()), null)[0]);
    }
}
