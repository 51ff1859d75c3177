using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Children;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

/// <summary>
/// A date in a body is a day in China (README): at 17:00 UTC on 28 November it is already 29 November in Chengdu, so
/// a child born that day is not "born in the future", and 30 November still is.
/// </summary>
public sealed class ChinaDayTests
{
    private static readonly DateTimeOffset LateEvening = new(2026, 11, 28, 17, 0, 0, TimeSpan.Zero); // 01:00 on the 29th in China

    private static RecordChild Born(DateOnly day) =>
        new(Guid.NewGuid(), Given.School, "510104", Given.Cipher, day, ConsentStatus.Given, Given.Cipher, "admin", LateEvening);

    [Fact]
    public void Today_is_the_day_in_China_not_the_UTC_date()
    {
        Assert.Equal(new DateOnly(2026, 11, 29), ChinaDays.Of(LateEvening));
        Assert.Equal(new DateOnly(2026, 11, 28), ChinaDays.Of(LateEvening.AddHours(-10))); // 07:00 UTC: 15:00 in China
        Assert.IsType<ChildRecorded>(ChildDecider.Decide(Born(new DateOnly(2026, 11, 29)), null)[0]);
        Assert.Equal("birth-in-future", Assert.Throws<RuleViolation>(() => ChildDecider.Decide(Born(new DateOnly(2026, 11, 30)), null)).Code);
    }
}
