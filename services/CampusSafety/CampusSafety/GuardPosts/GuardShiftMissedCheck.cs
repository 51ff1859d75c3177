using JasperFx;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using Marten;

namespace JiaoLianTi.CampusSafety.GuardPosts;

/// <summary>缺岗提醒: shifts nobody checked in to within the grace period are marked missed (GuardShiftMissed goes out).</summary>
public sealed class GuardShiftMissedCheck(IDocumentStore store, ILogger<GuardShiftMissedCheck> logger) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - GuardPostDecider.Grace;
        IReadOnlyList<GuardPost> posts;
        await using (var query = store.QuerySession())
        {
            posts = await query.Query<GuardPost>().Where(p => p.NextOpenShiftStartsAt <= cutoff).ToListAsync(ct);
        }
        var acted = 0;
        foreach (var post in posts)
        {
            await using var session = store.LightweightSession();
            // An officer checking in meanwhile, or another replica marking it, makes this 0: the next turn looks again.
            var missed = await session.Act<GuardPost>(post.Id, p => GuardPostDecider.Decide(new MarkMissedGuardShifts(now), p), ct);
            if (missed > 0)
            {
                acted += missed;
                logger.LogWarning("护学岗缺岗 / Guard post {PostId} at school {SchoolId}: {Count} shift(s) missed",
                    post.Id, post.SchoolId, missed);
            }
        }
        return acted;
    }
}
