using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Protection;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    public static readonly Guid Student = Guid.NewGuid();
    public static readonly Guid School = Guid.NewGuid();
    public static readonly Sealed Cipher = new(Student, "AAAA");

    public static Child Child(bool underFourteen = true, Tier? tier = null, string? counsellor = "c1")
    {
        var child = JiaoLianTi.Wellbeing.Children.Child.Create(new ChildRecorded(Student, School, "510104", Cipher, underFourteen,
            ConsentStatus.Given, Cipher, "admin", Now.AddDays(-100)));
        if (counsellor is not null) child = child.Apply(new CounsellorAssigned(Student, counsellor, "admin", Now.AddDays(-100)));
        if (tier is { } t) child = child.Apply(new ScreeningResultRecorded(Student, null, "MHT", 0, t, new DateOnly(2026, 1, 1), "c1", Now.AddDays(-50)));
        return child;
    }
}

public sealed class RecordChildTests
{
    private static RecordChild Command(DateOnly born, ConsentStatus? consent, bool guardian = true) =>
        new(Given.Student, Given.School, "510104", Given.Cipher, born, consent, guardian ? Given.Cipher : null, "admin", Given.Now);

    [Fact]
    public void Under_fourteen_without_consent_is_refused()
    {
        var error = Assert.Throws<RuleViolation>(() => ChildDecider.Decide(Command(new DateOnly(2015, 1, 1), null), null));
        Assert.Equal("consent-required", error.Code);
    }

    [Fact]
    public void Under_fourteen_with_refused_consent_is_refused()
    {
        var error = Assert.Throws<RuleViolation>(() => ChildDecider.Decide(Command(new DateOnly(2015, 1, 1), ConsentStatus.Refused), null));
        Assert.Equal("consent-refused", error.Code);
    }

    [Fact]
    public void Under_fourteen_with_consent_is_recorded_as_under_fourteen()
    {
        var e = Assert.IsType<ChildRecorded>(Assert.Single(ChildDecider.Decide(Command(new DateOnly(2015, 1, 1), ConsentStatus.Given), null)));
        Assert.True(e.UnderFourteen);
        Assert.Equal(ConsentStatus.Given, e.Consent);
    }

    [Fact]
    public void Fourteenth_birthday_today_needs_no_guardian_consent()
    {
        var e = Assert.IsType<ChildRecorded>(Assert.Single(ChildDecider.Decide(Command(new DateOnly(2012, 11, 28), null, guardian: false), null)));
        Assert.False(e.UnderFourteen);
    }

    [Fact]
    public void A_second_record_of_the_same_child_is_refused() =>
        Assert.Equal("child-exists", Assert.Throws<RuleViolation>(() => ChildDecider.Decide(Command(new DateOnly(2015, 1, 1), ConsentStatus.Given), Given.Child())).Code);
}

public sealed class RecordScreeningTests
{
    private static RecordScreening Result(Tier tier) => new(Given.Student, null, "MHT", 12, tier, new DateOnly(2026, 11, 1), "c1", Given.Now);

    [Fact]
    public void A_change_of_tier_alerts_the_counsellor_once()
    {
        var events = ChildDecider.Decide(Result(Tier.Yellow), Given.Child(tier: Tier.Green));
        Assert.IsType<ScreeningResultRecorded>(events[0]);
        var changed = Assert.IsType<TierChanged>(events[1]);
        Assert.Equal((Tier.Green, Tier.Yellow, "c1"), (changed.From, changed.To, changed.Counsellor));
    }

    [Fact]
    public void The_same_tier_again_records_the_result_without_an_alert() =>
        Assert.IsType<ScreeningResultRecorded>(Assert.Single(ChildDecider.Decide(Result(Tier.Yellow), Given.Child(tier: Tier.Yellow))));

    [Fact]
    public void A_first_green_result_raises_no_alert() =>
        Assert.Single(ChildDecider.Decide(Result(Tier.Green), Given.Child()));

    [Fact]
    public void An_erased_record_takes_no_result() =>
        Assert.Equal("erased", Assert.Throws<RuleViolation>(() => ChildDecider.Decide(Result(Tier.Red),
            Given.Child().Apply(new ChildErased(Given.Student, ErasureReason.PurposeEnded, "a", Given.Now)))).Code);
}

public sealed class RecordConsentTests
{
    [Fact]
    public void Withdrawn_consent_erases_the_record()
    {
        var events = ChildDecider.Decide(new RecordConsent(Given.Student, ConsentStatus.Withdrawn, Given.Cipher, "parent", Given.Now), Given.Child());
        Assert.IsType<ConsentRecorded>(events[0]);
        Assert.Equal(ErasureReason.ConsentWithdrawn, Assert.IsType<ChildErased>(events[1]).Reason);
    }

    [Fact]
    public void Consent_given_again_is_recorded() =>
        Assert.IsType<ConsentRecorded>(Assert.Single(ChildDecider.Decide(new RecordConsent(Given.Student, ConsentStatus.Given, Given.Cipher, "p", Given.Now), Given.Child())));
}

public sealed class GrantAccessTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(31)]
    public void A_grant_must_end_within_thirty_days(int days) =>
        Assert.Equal("grant-period", Assert.Throws<RuleViolation>(() => ChildDecider.Decide(
            new GrantAccess(Given.Student, Guid.NewGuid(), "t1", Given.Cipher, Given.Now.AddDays(days), "admin", Given.Now), Given.Child())).Code);

    [Fact]
    public void A_grant_is_recorded_with_its_end() =>
        Assert.Equal("t1", Assert.IsType<AccessGranted>(Assert.Single(ChildDecider.Decide(
            new GrantAccess(Given.Student, Guid.NewGuid(), "t1", Given.Cipher, Given.Now.AddDays(7), "admin", Given.Now), Given.Child()))).Grantee);
}

public sealed class DetectMissedFollowUpsTests
{
    private static readonly Dictionary<CareCategory, TimeSpan> Intervals = new()
    {
        [CareCategory.VulnerableChild] = TimeSpan.FromDays(14), [CareCategory.LeftBehindChild] = TimeSpan.FromDays(30),
        [CareCategory.MigrantChild] = TimeSpan.FromDays(60),
    };

    [Fact]
    public void A_missed_follow_up_is_reported_once()
    {
        var child = Given.Child().Apply(new CareCategoryAssigned(Given.Student, CareCategory.LeftBehindChild, CareSource.CivilAffairs, "a", Given.Now.AddDays(-31)));
        var missed = Assert.IsType<FollowUpMissed>(Assert.Single(ChildDecider.Decide(new DetectMissedFollowUps(Given.Student, Intervals, Given.Now), child)));
        Assert.Equal(CareCategory.LeftBehindChild, missed.Category);
        Assert.Empty(ChildDecider.Decide(new DetectMissedFollowUps(Given.Student, Intervals, Given.Now.AddHours(1)), child.Apply(missed)));
    }

    [Fact]
    public void A_follow_up_in_time_is_not_missed()
    {
        var child = Given.Child().Apply(new CareCategoryAssigned(Given.Student, CareCategory.LeftBehindChild, CareSource.School, "a", Given.Now.AddDays(-31)))
            .Apply(new FollowUpRecorded(Given.Student, new DateOnly(2026, 11, 20), null, "c1", Given.Now.AddDays(-8)));
        Assert.Empty(ChildDecider.Decide(new DetectMissedFollowUps(Given.Student, Intervals, Given.Now), child));
    }
}
