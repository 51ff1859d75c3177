using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.SupportPlans;
using Marten;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Wellbeing.Retention;

/// <summary>转介超时: each referral step past its SLA is reported once (ReferralOverdue leaves the service).</summary>
public sealed class ReferralOverdueCheck(IDocumentSession session, IOptions<WellbeingOptions> options) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var open = await session.Query<Referral>().Where(r => r.Status != ReferralStatus.Returned).Select(r => r.Id).ToListAsync(ct);
        var acted = 0;
        foreach (var id in open)
        {
            if (await session.Act<Referral>(id, r => ReferralDecider.Decide(new DetectOverdueReferral(id, options.Value.Referrals, now), r), ct) > 0)
            {
                acted++;
            }
        }
        return acted;
    }
}

/// <summary>危机升级: a level that did not acknowledge in time is passed over and the next level told.</summary>
public sealed class CrisisEscalationCheck(IDocumentSession session, IOptions<WellbeingOptions> options) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var active = await session.Query<CrisisEscalation>().Where(c => c.Status == CrisisStatus.Active).Select(c => c.Id).ToListAsync(ct);
        var acted = 0;
        foreach (var id in active)
        {
            // One level per turn and stream; a chain left alone climbs one level per acknowledgement window.
            if (await session.Act<CrisisEscalation>(id, c => CrisisDecider.Decide(new EscalateUnacknowledged(id, options.Value.CrisisAckWithin, now), c), ct) > 0)
            {
                acted++;
            }
        }
        return acted;
    }
}

/// <summary>回访: a care category's follow-up not done by its due date is reported once per due date.</summary>
public sealed class FollowUpCheck(IDocumentSession session, IOptions<WellbeingOptions> options) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var intervals = options.Value.FollowUpIntervals();
        var cutoff = now - intervals.Values.Min();
        var candidates = await session.Query<Child>()
            .Where(c => !c.Erased && c.Categories.Any(x => x.LastFollowUp < cutoff))
            .Select(c => c.Id).ToListAsync(ct);
        var acted = 0;
        foreach (var id in candidates)
        {
            if (await session.Act<Child>(id, c => ChildDecider.Decide(new DetectMissedFollowUps(id, intervals, now), c), ct) > 0)
            {
                acted++;
            }
        }
        return acted;
    }
}

/// <summary>
/// 数据保存期限: each kind of record is kept for its retention period (<c>Wellbeing:Retention</c>), then its keys are
/// deleted (crypto-shredding) and the erasure recorded on its stream. Idempotent: an erased record is not erased again.
/// </summary>
public sealed class RetentionCheck(IDocumentSession session, IOptions<WellbeingOptions> options) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var periods = options.Value.Retention;
        var acted = 0;

        var childCutoff = now - periods.ChildRecord;
        foreach (var id in await session.Query<Child>().Where(c => !c.Erased && c.LastActivityAt < childCutoff).Select(c => c.Id).ToListAsync(ct))
        {
            if (await session.Act<Child>(id,
                    c => c.LastActivityAt < childCutoff ? ChildDecider.Decide(new EraseChild(id, ErasureReason.RetentionExpired, "retention", now), c) : [], ct,
                    (c, _) => PersonalDataVault.EraseKeysOf(session, c.Id)) > 0)
            {
                acted++;
            }
        }

        var planCutoff = now - periods.SupportPlan;
        foreach (var id in await session.Query<SupportPlan>().Where(p => !p.Erased && p.Status == PlanStatus.Closed && p.ClosedAt < planCutoff).Select(p => p.Id).ToListAsync(ct))
        {
            if (await session.Act<SupportPlan>(id,
                    p => p.Erased ? [] : [new PlanErased(id, "RetentionExpired", now)], ct,
                    (_, _) => PersonalDataVault.EraseKey(session, id)) > 0)
            {
                acted++;
            }
        }

        var referralCutoff = now - periods.Referral;
        foreach (var id in await session.Query<Referral>().Where(r => !r.Erased && r.Status == ReferralStatus.Returned && r.ReturnedAt < referralCutoff).Select(r => r.Id).ToListAsync(ct))
        {
            if (await session.Act<Referral>(id,
                    r => r.Erased ? [] : [new ReferralErased(id, "RetentionExpired", now)], ct,
                    (_, _) => PersonalDataVault.EraseKey(session, id)) > 0)
            {
                acted++;
            }
        }
        return acted;
    }
}
