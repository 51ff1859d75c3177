using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using JiaoLianTi.Wellbeing.SupportPlans;
using Marten;

namespace JiaoLianTi.Wellbeing.Children;

/// <summary>What a child's events set off, staged in the same session as the events themselves.</summary>
public sealed class ChildReactions(IDocumentSession session, WellbeingOptions options)
{
    /// <summary>The stage step of Platform's write helper (<c>StreamWrites.Change</c>) for a child's stream.</summary>
    public Func<Child, IReadOnlyList<object>, Task> Stage(CancellationToken ct) => (child, events) => StageAsync(child, events, ct);

    public async Task StageAsync(Child child, IReadOnlyList<object> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case ChildErased:
                    // Crypto-shredding: the child's own key and the keys of its plans and referrals.
                    PersonalDataVault.EraseKeysOf(session, child.Id);
                    break;
                case ChildRecorded { Consent: ConsentStatus.Given } recorded:
                    await ReleaseProposalsAsync(child.Id, recorded.At, ct);
                    break;
                case ConsentRecorded { Status: ConsentStatus.Given } consent:
                    await ReleaseProposalsAsync(child.Id, consent.At, ct);
                    break;
                case TierChanged { To: Tier.Red } red:
                    await StartCrisisAsync(child, CrisisTrigger.RedTier, "screening", red.At, ct);
                    break;
            }
        }
    }

    /// <summary>The child now has a record with consent: the support proposals that waited for it are proposed.</summary>
    private async Task ReleaseProposalsAsync(Guid studentId, DateTimeOffset now, CancellationToken ct)
    {
        var waiting = await session.Query<SupportPlan>()
            .Where(p => p.StudentId == studentId && p.Status == PlanStatus.AwaitingRecord)
            .Select(p => p.Id).ToListAsync(ct);
        foreach (var id in waiting)
        {
            var stream = await session.Events.FetchForWriting<SupportPlan>(id, ct);
            if (stream.Aggregate is { } plan)
            {
                stream.AppendMany(SupportPlanDecider.Decide(new ReleaseProposal(id, now), plan).ToArray());
            }
        }
    }

    /// <summary>Starts a crisis chain unless one is already active for the child. Returns its id.</summary>
    public async Task<Guid> StartCrisisAsync(Child child, CrisisTrigger trigger, string startedBy, DateTimeOffset now, CancellationToken ct)
    {
        var active = await session.Query<CrisisEscalation>()
            .FirstOrDefaultAsync(x => x.StudentId == child.Id && x.Status == CrisisStatus.Active, ct);
        if (active is not null)
        {
            return active.Id;
        }
        var id = Guid.CreateVersion7();
        session.Events.StartStream<CrisisEscalation>(id, CrisisDecider.Decide(new StartCrisis(
            id, child.Id, child.SchoolId, child.CountyCode, trigger, child.Counsellor, startedBy, options.CrisisAckWithin, now)).ToArray());
        return id;
    }
}
