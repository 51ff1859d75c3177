using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using Marten;

namespace JiaoLianTi.Wellbeing;

/// <summary>
/// Load at the If-Match version, authorize and decide (the lambda), append, stage what the decision sets off in the same
/// transaction (erasing keys, starting a crisis chain), commit. Returns the new version (the next ETag).
/// </summary>
public static class Writes
{
    public static async Task<(long Version, T State)> DecideAsync<T>(
        IDocumentSession session, Guid id, long expectedVersion, Func<T, IReadOnlyList<object>> decide,
        Func<T, IReadOnlyList<object>, Task>? react, CancellationToken ct) where T : class
    {
        var stream = await session.Events.FetchForWriting<T>(id, expectedVersion, ct);
        var state = stream.Aggregate ?? throw new NotFoundException($"未找到 / {typeof(T).Name} {id} was not found.");
        var events = decide(state);
        if (events.Count == 0)
        {
            return (expectedVersion, state);
        }
        stream.AppendMany(events.ToArray());
        if (react is not null)
        {
            await react(state, events);
        }
        await session.SaveChangesAsync(ct);
        return (expectedVersion + events.Count, state);
    }
}

/// <summary>What a child's events set off, staged in the same session as the events themselves.</summary>
public sealed class ChildReactions(IDocumentSession session, WellbeingOptions options)
{
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
                case TierChanged { To: Tier.Red } red:
                    await StartCrisisAsync(child, CrisisTrigger.RedTier, "screening", red.At, ct);
                    break;
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
