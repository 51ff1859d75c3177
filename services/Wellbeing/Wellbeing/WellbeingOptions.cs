using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Referrals;

namespace JiaoLianTi.Wellbeing;

/// <summary>Section <c>Wellbeing</c> of configuration: thresholds, SLAs, schedules and retention periods.</summary>
public sealed class WellbeingOptions
{
    public TierThresholds Tiers { get; set; } = new();
    public ReferralSla Referrals { get; set; } = new();
    /// <summary>How long each level of a crisis chain has to acknowledge before the chain escalates past it.</summary>
    public TimeSpan CrisisAckWithin { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Follow-up (回访) interval per care category.</summary>
    public Dictionary<CareCategory, TimeSpan> FollowUp { get; set; } = new()
    {
        [CareCategory.VulnerableChild] = TimeSpan.FromDays(14),
        [CareCategory.LeftBehindChild] = TimeSpan.FromDays(30),
        [CareCategory.MigrantChild] = TimeSpan.FromDays(60),
    };
    public RetentionPeriods Retention { get; set; } = new();
    /// <summary>医教互促 health screening: findings and where a result becomes a referral.</summary>
    public HealthScreening.HealthThresholds HealthScreening { get; set; } = new();

    public IReadOnlyDictionary<CareCategory, TimeSpan> FollowUpIntervals() =>
        Enum.GetValues<CareCategory>().ToDictionary(c => c, c => FollowUp.GetValueOrDefault(c, TimeSpan.FromDays(30)));
}

/// <summary>Lowest score of each tier (scores below <see cref="Yellow"/> are green).</summary>
public sealed class TierThresholds
{
    public int Yellow { get; set; } = 10;
    public int Orange { get; set; } = 15;
    public int Red { get; set; } = 20;

    public Tier TierOf(int score) =>
        score >= Red ? Tier.Red : score >= Orange ? Tier.Orange : score >= Yellow ? Tier.Yellow : Tier.Green;
}

/// <summary>How long each kind of record is kept (数据最小化): then its keys are erased by the retention check.</summary>
public sealed class RetentionPeriods
{
    /// <summary>A child record, after its last activity.</summary>
    public TimeSpan ChildRecord { get; set; } = TimeSpan.FromDays(3 * 365);
    /// <summary>A support plan, after it was closed.</summary>
    public TimeSpan SupportPlan { get; set; } = TimeSpan.FromDays(3 * 365);
    /// <summary>A referral, after the child returned to school.</summary>
    public TimeSpan Referral { get; set; } = TimeSpan.FromDays(3 * 365);
}
