using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Screening;

namespace JiaoLianTi.Wellbeing.HealthScreening;

/// <param name="UnitIsHospitalMember">The replica says the unit is a hospital and an active member of an alliance the school joined.</param>
public record OpenHealthRound(
    Guid RoundId, Guid SchoolId, string CountyCode, Guid UnitId, bool UnitIsHospitalMember, IReadOnlyList<HealthCheck> Checks,
    DateOnly StartsOn, int Expected, string By, DateTimeOffset Now);

/// <param name="Measurements">In clear, for the findings only; what is kept is <paramref name="Sealed"/>.</param>
/// <param name="UnitIsHospitalMember">Still a member now: a hospital that left the alliance records no more.</param>
public record RecordHealthResult(
    Guid RoundId, Guid StudentId, Guid UnitId, bool UnitIsHospitalMember, int Grade, DateOnly ScreenedOn, HealthMeasurements Measurements,
    Sealed Sealed, HealthThresholds Thresholds, string By, DateTimeOffset Now);

public record ImportHealthResults(Guid RoundId, Guid UnitId, int Rows, int Accepted, int Referred, IReadOnlyList<RowError> Rejected, string By, DateTimeOffset Now);

public record CloseHealthRound(Guid RoundId, Guid UnitId, string By, DateTimeOffset Now);

/// <summary>The health screening rules, pure.</summary>
public static class HealthScreeningDecider
{
    public static IReadOnlyList<object> Decide(OpenHealthRound c)
    {
        HospitalMember(c.UnitIsHospitalMember);
        if (c.StartsOn > ChinaDays.Of(c.Now).AddYears(1) || c.StartsOn < ChinaDays.Of(c.Now).AddYears(-1))
        {
            throw new RuleViolation("round-date", "筛查开始日期须在前后一年之内 / A round starts within a year of today.");
        }
        return [new HealthRoundOpened(c.RoundId, c.SchoolId, c.CountyCode, c.UnitId, c.Checks.Distinct().Order().ToArray(), c.StartsOn,
            c.Expected, c.By, c.Now)];
    }

    /// <summary>
    /// One child's result, on the round's terms: the round open and its hospital still a member; the child recorded by the
    /// round's school with a guardian's consent (as for every health record of a child under 14); one result per child per
    /// round; dated from the round's start to today; only the checks the round runs. Past a threshold it names the
    /// referral to the round's hospital that the endpoint starts through the referral flow.
    /// </summary>
    public static IReadOnlyList<object> Decide(RecordHealthResult c, HealthRound round, Child? child, HealthResult? existing)
    {
        OfUnit(round, c.UnitId);
        Open(round);
        HospitalMember(c.UnitIsHospitalMember);
        if (child is null || child.SchoolId != round.SchoolId)
        {
            throw new RuleViolation("child-not-recorded", "本校没有该学生的档案（须先经监护人同意建档） / The school has not recorded this child (with a guardian's consent).");
        }
        if (child.Erased)
        {
            throw new RuleViolation("erased", "该档案已被删除 / The record was erased.");
        }
        if (child.UnderFourteen && child.Consent != ConsentStatus.Given)
        {
            throw new RuleViolation("consent-required", "无监护人同意 / No guardian consent for this child.");
        }
        if (existing is not null)
        {
            throw new RuleViolation("result-exists", "该学生在本轮已有结果 / This child already has a result in this round.");
        }
        if (c.ScreenedOn < round.StartsOn || c.ScreenedOn > ChinaDays.Of(c.Now))
        {
            throw new RuleViolation("screened-date", "筛查日期须在本轮开始之后且不晚于今天 / A result is dated between the round's start and today.");
        }
        if ((c.Measurements.Vision is not null && !round.Checks.Contains(HealthCheck.Vision))
            || (c.Measurements.Spine is not null && !round.Checks.Contains(HealthCheck.Spine)))
        {
            throw new RuleViolation("check-not-in-round", "本轮不包含该项筛查 / This round does not run that check.");
        }
        var resultId = HealthResult.IdOf(round.Id, c.StudentId);
        var referral = c.Thresholds.Refer(c.Measurements) ? NameBasedIds.Create(resultId, "referral") : (Guid?)null;
        return [new HealthResultRecorded(resultId, round.Id, c.StudentId, round.SchoolId, round.CountyCode, round.UnitId, c.Grade, c.ScreenedOn,
            c.Sealed, c.Thresholds.Vision(c.Measurements.Vision), c.Thresholds.Spine(c.Measurements.Spine), referral, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ImportHealthResults c, HealthRound round)
    {
        OfUnit(round, c.UnitId);
        Open(round);
        return [new HealthResultsImported(c.RoundId, c.Rows, c.Accepted, c.Referred, c.Rejected, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CloseHealthRound c, HealthRound round)
    {
        OfUnit(round, c.UnitId);
        Open(round);
        return [new HealthRoundClosed(c.RoundId, c.By, c.Now)];
    }

    private static void OfUnit(HealthRound round, Guid unitId)
    {
        if (round.UnitId != unitId)
        {
            throw new ForbiddenException("该筛查轮次不属于本单位 / This round is another hospital's.");
        }
    }

    private static void Open(HealthRound round)
    {
        if (round.Status != HealthRoundStatus.Open)
        {
            throw new RuleViolation("round-closed", "本轮筛查已结束 / The round is closed.");
        }
    }

    private static void HospitalMember(bool member)
    {
        if (!member)
        {
            throw new RuleViolation("unit-not-hospital-member",
                "筛查单位须为本校所在教联体的医院成员 / A screening round is run by a hospital that is a member of the school's alliance.");
        }
    }
}
