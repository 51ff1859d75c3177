using JiaoLianTi.Alliances.Regions;
using Xunit;

namespace JiaoLianTi.Alliances.Tests;

public sealed class DivisionsTests
{
    private static readonly Divisions Registry = Divisions.Load();

    [Fact]
    public void Every_county_of_china_is_known_with_its_name()
    {
        Assert.Equal(2978, Registry.CountiesIn("").Count());
        Assert.Equal(183, Registry.CountiesIn("51").Count());
        Assert.Equal(107, Registry.CountiesIn("61").Count());
        Assert.Equal("锦江区", Registry.Find("510104")?.Name);
        Assert.Equal("5101", Registry.Find("510104")?.ParentCode);
    }

    [Theory]
    [InlineData("510104", true)]
    [InlineData("5101", false)]
    [InlineData("51", false)]
    [InlineData("519999", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_county_level_codes_are_counties(string? code, bool county) =>
        Assert.Equal(county, Registry.IsCounty(code));
}
