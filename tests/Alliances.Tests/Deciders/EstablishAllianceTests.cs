using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.Alliances.Tests;

/// <summary>Given (state) / When (EstablishAlliance) / Then (events or refusal): pure, no database.</summary>
public sealed class EstablishAllianceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));

    private static EstablishAlliance Command(Guid id) =>
        new(id, "  锦江区教联体 ", AllianceKind.Regional, "510104", " 成都市锦江区教育局", "county-admin-1", Now);

    [Fact]
    public void A_new_alliance_is_established_with_trimmed_names()
    {
        var id = Guid.NewGuid();

        var events = AllianceDecider.Decide(Command(id), state: null);

        var established = Assert.IsType<AllianceEstablished>(Assert.Single(events));
        Assert.Equal(new AllianceEstablished(id, "锦江区教联体", AllianceKind.Regional, "510104", "成都市锦江区教育局",
            "county-admin-1", Now), established);
    }

    [Fact]
    public void An_alliance_that_exists_cannot_be_established_again()
    {
        var id = Guid.NewGuid();
        var state = Alliance.Create((AllianceEstablished)AllianceDecider.Decide(Command(id), null)[0]);

        var refusal = Assert.Throws<RuleViolation>(() => AllianceDecider.Decide(Command(id), state));

        Assert.Equal("alliance-exists", refusal.Code);
    }

    [Fact]
    public void The_state_of_an_established_alliance_says_so()
    {
        var id = Guid.NewGuid();

        var state = Alliance.Create((AllianceEstablished)AllianceDecider.Decide(Command(id), null)[0]);

        Assert.Equal(AllianceStatus.Established, state.Status);
        Assert.Equal("510104", state.CountyCode);
        Assert.Equal(Now, state.EstablishedAt);
    }
}
