using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.HealthScreening;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Deciders;

internal static class GivenRound
{
    public static readonly Guid Hospital = Guid.NewGuid();
    public static readonly HealthThresholds Thresholds = new();

    public static HealthRound Round(params HealthCheck[] checks) => HealthRound.Create(new HealthRoundOpened(Guid.NewGuid(), Given.School, "510104",
        Hospital, checks.Length == 0 ? [HealthCheck.Vision, HealthCheck.Spine] : checks, new DateOnly(2026, 11, 1), 300, "officer", Given.Now.AddDays(-20)));

    public static HealthMeasurements Vision(decimal right, decimal? rightSphere, decimal left = 5.0m, decimal? leftSphere = null) =>
        new(new VisionMeasure(new EyeMeasure(right, rightSphere, null), new EyeMeasure(left, leftSphere, null)), null, null);

    public static HealthMeasurements Spine(decimal degrees) => new(null, new SpineMeasure(degrees), null);

    public static RecordHealthResult Record(HealthRound round, HealthMeasurements m, bool member = true, DateOnly? on = null) =>
        new(round.Id, Given.Student, Hospital, member, 4, on ?? new DateOnly(2026, 11, 20), m, Given.Cipher, Thresholds, "officer", Given.Now);
}

public sealed class OpenHealthRoundTests
{
    private static OpenHealthRound Command(bool member, DateOnly startsOn) =>
        new(Guid.NewGuid(), Given.School, "510104", GivenRound.Hospital, member, [HealthCheck.Spine, HealthCheck.Vision, HealthCheck.Spine], startsOn, 300, "officer", Given.Now);

    [Fact]
    public void A_hospital_of_the_schools_alliance_opens_a_round_with_each_check_once()
    {
        var opened = Assert.IsType<HealthRoundOpened>(Assert.Single(HealthScreeningDecider.Decide(Command(true, new DateOnly(2026, 12, 1)))));
        Assert.Equal([HealthCheck.Vision, HealthCheck.Spine], opened.Checks);
        Assert.Equal((GivenRound.Hospital, 300), (opened.UnitId, opened.Expected));
    }

    [Fact]
    public void A_unit_that_is_no_hospital_member_of_the_schools_alliance_is_refused()
    {
        Assert.Equal("unit-not-hospital-member", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(Command(false, new DateOnly(2026, 12, 1)))).Code);
    }

    [Fact]
    public void A_round_more_than_a_year_away_is_refused()
    {
        Assert.Equal("round-date", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(Command(true, new DateOnly(2028, 1, 1)))).Code);
    }
}

public sealed class RecordHealthResultTests
{
    [Fact]
    public void Suspected_myopia_is_found_and_referred_to_the_rounds_hospital()
    {
        var round = GivenRound.Round();
        var recorded = Assert.IsType<HealthResultRecorded>(Assert.Single(HealthScreeningDecider.Decide(
            GivenRound.Record(round, GivenRound.Vision(4.7m, -1.25m)), round, Given.Child(), null)));
        Assert.Equal(VisionFinding.MyopiaSuspected, recorded.Vision);
        Assert.Null(recorded.Spine);
        Assert.NotNull(recorded.ReferralId);
        Assert.Equal((HealthResult.IdOf(round.Id, Given.Student), GivenRound.Hospital, 4), (recorded.ResultId, recorded.UnitId, recorded.Grade));
    }

    [Theory]
    [InlineData(5.0, null, "Normal", false)]
    [InlineData(4.9, 0.5, "ReducedVision", false)]
    [InlineData(4.8, 0.5, "ReducedVision", true)]
    [InlineData(4.9, -0.5, "MyopiaSuspected", true)]
    public void Vision_findings_and_referrals_follow_the_thresholds(double acuity, double? sphere, string finding, bool referred)
    {
        var round = GivenRound.Round();
        var recorded = (HealthResultRecorded)HealthScreeningDecider.Decide(
            GivenRound.Record(round, GivenRound.Vision((decimal)acuity, (decimal?)sphere)), round, Given.Child(), null)[0];
        Assert.Equal(finding, recorded.Vision.ToString());
        Assert.Equal(referred, recorded.ReferralId is not null);
    }

    [Theory]
    [InlineData(4.9, "Normal", false)]
    [InlineData(5.0, "Positive", true)]
    public void A_trunk_rotation_at_the_threshold_is_a_positive_scoliosis_screen_and_referred(double degrees, string finding, bool referred)
    {
        var round = GivenRound.Round();
        var recorded = (HealthResultRecorded)HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Spine((decimal)degrees)), round, Given.Child(), null)[0];
        Assert.Equal((finding, referred), (recorded.Spine.ToString(), recorded.ReferralId is not null));
    }

    [Fact]
    public void A_child_without_a_record_of_this_school_or_without_consent_or_erased_is_refused()
    {
        var round = GivenRound.Round();
        var command = GivenRound.Record(round, GivenRound.Spine(2));
        Assert.Equal("child-not-recorded", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(command, round, null, null)).Code);
        var elsewhere = Given.Child() with { SchoolId = Guid.NewGuid() };
        Assert.Equal("child-not-recorded", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(command, round, elsewhere, null)).Code);
        var withdrawn = Given.Child() with { Consent = ConsentStatus.Withdrawn };
        Assert.Equal("consent-required", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(command, round, withdrawn, null)).Code);
        var erased = Given.Child().Apply(new ChildErased(Given.Student, ErasureReason.PurposeEnded, "admin", Given.Now));
        Assert.Equal("erased", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(command, round, erased, null)).Code);
    }

    [Fact]
    public void One_result_per_child_per_round_dated_within_the_round_for_its_checks_only()
    {
        var round = GivenRound.Round(HealthCheck.Vision);
        var child = Given.Child();
        var first = (HealthResultRecorded)HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Vision(5.0m, null)), round, child, null)[0];
        Assert.Equal("result-exists", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Vision(5.0m, null)), round, child, HealthResult.Create(first))).Code);
        Assert.Equal("screened-date", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Vision(5.0m, null), on: new DateOnly(2026, 10, 31)), round, child, null)).Code);
        Assert.Equal("screened-date", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Vision(5.0m, null), on: new DateOnly(2026, 11, 29)), round, child, null)).Code);
        Assert.Equal("check-not-in-round", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Spine(1)), round, child, null)).Code);
    }

    [Fact]
    public void Another_hospital_a_hospital_that_left_or_a_closed_round_records_nothing()
    {
        var round = GivenRound.Round();
        var child = Given.Child();
        Assert.Throws<ForbiddenException>(() => HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Spine(1)) with { UnitId = Guid.NewGuid() }, round, child, null));
        Assert.Equal("unit-not-hospital-member", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(GivenRound.Record(round, GivenRound.Spine(1), member: false), round, child, null)).Code);
        var closed = round.Apply(new HealthRoundClosed(round.Id, "officer", Given.Now));
        Assert.Equal("round-closed", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(GivenRound.Record(closed, GivenRound.Spine(1)), closed, child, null)).Code);
    }
}

public sealed class ImportHealthResultsTests
{
    [Fact]
    public void An_import_into_an_open_round_of_the_hospital_is_recorded_with_its_report()
    {
        var round = GivenRound.Round();
        var imported = Assert.IsType<HealthResultsImported>(Assert.Single(HealthScreeningDecider.Decide(
            new ImportHealthResults(round.Id, GivenRound.Hospital, 10, 8, 2, [], "officer", Given.Now), round)));
        Assert.Equal((10, 8, 2), (imported.Rows, imported.Accepted, imported.Referred));
        var closed = round.Apply(new HealthRoundClosed(round.Id, "officer", Given.Now));
        Assert.Equal("round-closed", Assert.Throws<RuleViolation>(() => HealthScreeningDecider.Decide(
            new ImportHealthResults(round.Id, GivenRound.Hospital, 1, 1, 0, [], "officer", Given.Now), closed)).Code);
    }
}

public sealed class CloseHealthRoundTests
{
    [Fact]
    public void The_hospital_closes_its_round_once()
    {
        var round = GivenRound.Round();
        var closed = Assert.IsType<HealthRoundClosed>(Assert.Single(HealthScreeningDecider.Decide(new CloseHealthRound(round.Id, GivenRound.Hospital, "officer", Given.Now), round)));
        Assert.Equal(HealthRoundStatus.Closed, round.Apply(closed).Status);
        Assert.Equal("round-closed", Assert.Throws<RuleViolation>(() =>
            HealthScreeningDecider.Decide(new CloseHealthRound(round.Id, GivenRound.Hospital, "officer", Given.Now), round.Apply(closed))).Code);
        Assert.Throws<ForbiddenException>(() => HealthScreeningDecider.Decide(new CloseHealthRound(round.Id, Guid.NewGuid(), "officer", Given.Now), round));
    }
}

public sealed class HealthFigureRateTests
{
    [Theory]
    [InlineData(0, 10, 0.0)]
    [InlineData(3, 10, null)]
    [InlineData(5, 4, null)]
    [InlineData(5, 20, 0.25)]
    public void A_rate_that_could_single_out_a_child_is_suppressed(int count, int of, double? rate)
    {
        Assert.Equal((decimal?)rate, HealthFiguresApi.Rate(count, of));
    }
}

public sealed class ScreeningReferralContractTests
{
    [Fact]
    public void A_referral_made_by_a_screening_result_leaves_with_its_round_and_a_carers_referral_without()
    {
        var round = Guid.NewGuid();
        var map = new Integration.WellbeingEventsMap();
        var made = new Referrals.ReferralMade(Guid.NewGuid(), Given.Student, Given.School, "510104", GivenRound.Hospital, Referrals.Urgency.Routine,
            Given.Cipher, "officer", Given.Now, null, new Referrals.HealthScreeningSource(round, Guid.NewGuid()));
        Assert.Equal(round, Assert.IsType<Contracts.ReferralMade>(map.ToIntegrationEvent(new JasperFx.Events.Event<object>(made))).HealthScreeningRoundId);
        Assert.Null(Assert.IsType<Contracts.ReferralMade>(map.ToIntegrationEvent(new JasperFx.Events.Event<object>(made with { Screening = null }))).HealthScreeningRoundId);
        var recorded = new HealthResultRecorded(Guid.NewGuid(), round, Given.Student, Given.School, "510104", GivenRound.Hospital, 4, new DateOnly(2026, 11, 20),
            Given.Cipher, VisionFinding.MyopiaSuspected, SpineFinding.Positive, Guid.NewGuid(), "officer", Given.Now);
        var ready = Assert.IsType<Contracts.HealthScreeningResultReady>(map.ToIntegrationEvent(new JasperFx.Events.Event<object>(recorded)));
        Assert.Equal((recorded.ResultId, round, Given.Student, GivenRound.Hospital), (ready.ResultId, ready.RoundId, ready.StudentId, ready.UnitId));
    }
}
