using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Screening;

namespace JiaoLianTi.Wellbeing.HealthScreening;

// 医教互促 · 健康筛查: a hospital of the school's alliance screens the school's children (vision for 光明工程, spinal
// curvature). Two streams: the round (id new), and one result per child per round (id named from the round and the
// child, so a second result of the same child in the same round is the same stream). Measurements are sealed under the
// child's own key (the key of the child's Wellbeing record); only the grade, the findings and ids stay in clear, as a
// tier does, because the bureau's figures count them.

/// <summary>What a round screens.</summary>
public enum HealthCheck { Vision, Spine }

public enum HealthRoundStatus { Open, Closed }

/// <summary>视力筛查结论: normal; 视力低下 below normal acuity without a myopic refraction; 筛查性近视 myopia suspected.</summary>
public enum VisionFinding { Normal, ReducedVision, MyopiaSuspected }

/// <summary>脊柱侧弯筛查结论: the angle of trunk rotation (Adams forward bend) below the threshold, or at or above it.</summary>
public enum SpineFinding { Normal, Positive }

/// <summary>One eye: uncorrected acuity on the five-point logarithmic chart (5.0 normal), and the non-cycloplegic
/// refraction (sphere, cylinder, dioptres) when the hospital measured it.</summary>
public sealed record EyeMeasure(decimal Acuity, decimal? Sphere, decimal? Cylinder)
{
    /// <summary>等效球镜 spherical equivalent: sphere + cylinder / 2.</summary>
    public decimal? SphericalEquivalent => Sphere is { } s ? s + (Cylinder ?? 0) / 2 : null;
}

public sealed record VisionMeasure(EyeMeasure Right, EyeMeasure Left);

/// <param name="TrunkRotation">The angle of trunk rotation in degrees (scoliometer, Adams forward bend).</param>
public sealed record SpineMeasure(decimal TrunkRotation);

/// <summary>What is sealed under the child's key: every measurement and the hospital's remark.</summary>
public sealed record HealthMeasurements(VisionMeasure? Vision, SpineMeasure? Spine, string? Remarks);

/// <summary>Section <c>Wellbeing:HealthScreening</c>: where a finding starts and where a result becomes a referral.</summary>
public sealed class HealthThresholds
{
    /// <summary>Acuity below this (either eye) is below normal (5.0 on the five-point chart).</summary>
    public decimal NormalAcuity { get; set; } = 5.0m;
    /// <summary>With acuity below normal, a spherical equivalent at or below this is 筛查性近视 (myopia suspected).</summary>
    public decimal MyopiaRefraction { get; set; } = -0.50m;
    /// <summary>Acuity below this in either eye is referred whatever the refraction (4.8 and less by default).</summary>
    public decimal ReferAcuityBelow { get; set; } = 4.9m;
    /// <summary>An angle of trunk rotation at or above this many degrees is a positive scoliosis screen, and referred.</summary>
    public decimal ScoliosisTrunkRotation { get; set; } = 5m;

    public VisionFinding? Vision(VisionMeasure? v)
    {
        if (v is null)
        {
            return null;
        }
        VisionFinding Eye(EyeMeasure e) =>
            e.Acuity >= NormalAcuity ? VisionFinding.Normal
            : e.SphericalEquivalent is { } se && se <= MyopiaRefraction ? VisionFinding.MyopiaSuspected
            : VisionFinding.ReducedVision;
        var right = Eye(v.Right);
        var left = Eye(v.Left);
        return right > left ? right : left;
    }

    public SpineFinding? Spine(SpineMeasure? s) =>
        s is null ? null : s.TrunkRotation >= ScoliosisTrunkRotation ? SpineFinding.Positive : SpineFinding.Normal;

    /// <summary>Past a threshold: myopia suspected, acuity below <see cref="ReferAcuityBelow"/>, or a positive spine.</summary>
    public bool Refer(HealthMeasurements m) =>
        Vision(m.Vision) == VisionFinding.MyopiaSuspected
        || (m.Vision is { } v && Math.Min(v.Right.Acuity, v.Left.Acuity) < ReferAcuityBelow)
        || Spine(m.Spine) == SpineFinding.Positive;
}

public record HealthRoundOpened(
    Guid RoundId, Guid SchoolId, string CountyCode, Guid UnitId, IReadOnlyList<HealthCheck> Checks, DateOnly StartsOn, int Expected,
    string By, DateTimeOffset At);

/// <summary>A CSV of results was imported into the round: what was kept, what was refused and why.</summary>
public record HealthResultsImported(Guid RoundId, int Rows, int Accepted, int Referred, IReadOnlyList<RowError> Rejected, string By, DateTimeOffset At);

public record HealthRoundClosed(Guid RoundId, string By, DateTimeOffset At);

/// <summary>One child's result. <paramref name="ReferralId"/>: the referral to the round's hospital it started, if past a threshold.</summary>
public record HealthResultRecorded(
    Guid ResultId, Guid RoundId, Guid StudentId, Guid SchoolId, string CountyCode, Guid UnitId, int Grade, DateOnly ScreenedOn,
    Sealed Measurements, VisionFinding? Vision, SpineFinding? Spine, Guid? ReferralId, string By, DateTimeOffset At);

/// <summary>One import of a round (its report as the officer saw it).</summary>
public sealed record HealthImport(int Rows, int Accepted, int Referred, IReadOnlyList<RowError> Rejected, DateTimeOffset At);

/// <summary>The round stream's state, also its inline read model.</summary>
public sealed record HealthRound(
    Guid Id, Guid SchoolId, string CountyCode, Guid UnitId, IReadOnlyList<HealthCheck> Checks, DateOnly StartsOn, int Expected,
    HealthRoundStatus Status, IReadOnlyList<HealthImport> Imports, string OpenedBy, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt)
{
    public long Version { get; set; }

    public static HealthRound Create(HealthRoundOpened e) =>
        new(e.RoundId, e.SchoolId, e.CountyCode, e.UnitId, e.Checks, e.StartsOn, e.Expected, HealthRoundStatus.Open, [], e.By, e.At, null);

    public HealthRound Apply(HealthResultsImported e) => this with
    {
        Imports = [.. Imports, new HealthImport(e.Rows, e.Accepted, e.Referred, e.Rejected, e.At)],
    };

    public HealthRound Apply(HealthRoundClosed e) => this with { Status = HealthRoundStatus.Closed, ClosedAt = e.At };
}

/// <summary>The result stream's state, also its inline read model: ciphertext, grade and findings.</summary>
public sealed record HealthResult(
    Guid Id, Guid RoundId, Guid StudentId, Guid SchoolId, string CountyCode, Guid UnitId, int Grade, DateOnly ScreenedOn,
    Sealed Measurements, VisionFinding? Vision, SpineFinding? Spine, Guid? ReferralId, DateTimeOffset RecordedAt)
{
    public long Version { get; set; }

    public static HealthResult Create(HealthResultRecorded e) =>
        new(e.ResultId, e.RoundId, e.StudentId, e.SchoolId, e.CountyCode, e.UnitId, e.Grade, e.ScreenedOn, e.Measurements,
            e.Vision, e.Spine, e.ReferralId, e.At);

    /// <summary>The id of a child's result in a round: the same child in the same round is the same stream.</summary>
    public static Guid IdOf(Guid roundId, Guid studentId) => Platform.EventStore.NameBasedIds.Create(roundId, $"health-result:{studentId:N}");
}

/// <summary>What to do next (下一步), for the parents, from the findings: Chinese first, English beside.</summary>
public static class NextSteps
{
    public static IReadOnlyList<string> Of(VisionFinding? vision, SpineFinding? spine, bool referred)
    {
        var steps = new List<string>();
        switch (vision)
        {
            case VisionFinding.Normal:
                steps.Add("视力正常：坚持每天户外活动 2 小时，读写做到“一尺一拳一寸”，每学期复查。 / Normal vision: two hours outdoors a day, keep a good reading distance, a check every term.");
                break;
            case VisionFinding.MyopiaSuspected:
                steps.Add(referred
                    ? "筛查提示可能近视：已转介到筛查医院，请带孩子到医院散瞳验光确诊，不要自行配镜。 / Possible myopia: your child is referred to the screening hospital for a cycloplegic refraction to confirm it; do not buy glasses before that."
                    : "筛查提示可能近视：请到医院散瞳验光确诊。 / Possible myopia: have a cycloplegic refraction at a hospital to confirm it.");
                break;
            case VisionFinding.ReducedVision:
                steps.Add(referred
                    ? "视力低下：已转介到筛查医院，请带孩子到医院做全面眼科检查。 / Vision below normal: your child is referred to the screening hospital for a full eye examination."
                    : "视力略低于正常：请在 3 个月内复查视力，增加户外活动。 / Vision slightly below normal: have it checked again within 3 months; more time outdoors.");
                break;
        }
        switch (spine)
        {
            case SpineFinding.Normal:
                steps.Add("脊柱筛查未见异常：保持正确坐姿和背书包姿势，每年复查。 / Spine screen normal: keep a good posture when sitting and carrying a school bag; a check every year.");
                break;
            case SpineFinding.Positive:
                steps.Add("脊柱侧弯筛查阳性：已转介到筛查医院，请带孩子到医院拍摄站立位全脊柱 X 光片确诊。 / Positive scoliosis screen: your child is referred to the screening hospital for a standing full-spine X-ray to confirm it.");
                break;
        }
        return steps;
    }
}
