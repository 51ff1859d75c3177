using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using Marten;

namespace JiaoLianTi.Activities.Activities;

/// <summary>
/// 安全预案逾期未审: an off-campus activity whose plan is still unreviewed is reminded to its school
/// <c>Activities:SafetyPlanNoticeBefore</c> before the start (48 hours unless configured), and cancelled at the start
/// with a reason its parents read. Idempotent: the decider reminds once and cancels once; a racing writer wins and the
/// next run looks again.
/// </summary>
public sealed class SafetyPlanReviewCheck(IDocumentStore store, IConfiguration configuration, ILogger<SafetyPlanReviewCheck> logger)
    : IPeriodicCheck
{
    public static readonly TimeSpan DefaultNoticeBefore = TimeSpan.FromHours(48);

    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var noticeBefore = configuration.GetValue("Activities:SafetyPlanNoticeBefore", DefaultNoticeBefore);
        var horizon = now + noticeBefore;
        IReadOnlyList<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<ActivityView>()
                .Where(a => a.Status == ActivityStatus.AwaitingSafetyPlan && a.StartsAt <= horizon)
                .Select(a => a.Id)
                .ToListAsync(ct);
        }
        var acted = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            if (await session.Act<Activity>(id, s => ActivityDecider.Decide(new CheckSafetyPlanReview(id, noticeBefore, now), s), ct) > 0)
            {
                acted++;
                logger.LogInformation("安全预案待审 / Activity {ActivityId}: safety plan unreviewed, reminded or cancelled", id);
            }
        }
        return acted;
    }
}
