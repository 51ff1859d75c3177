using JasperFx;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using Marten;

namespace JiaoLianTi.Alliances.Responsibilities;

/// <summary>
/// 责任逾期督办: finds undone responsibilities past their deadline in the read model, and marks each overdue and
/// escalated to its county's bureau. Idempotent: the decider appends nothing for one already marked, and a replica
/// racing on the same responsibility loses on its version.
/// </summary>
public sealed class OverdueCheck(IDocumentStore store, ILogger<OverdueCheck> logger) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var due = await query.Query<Responsibility>()
            .Where(r => r.Status != ResponsibilityStatus.Done && r.OverdueAt == null && r.Deadline <= now)
            .OrderBy(r => r.Deadline)
            .Take(1000)
            .Select(r => new { r.Id, r.Version })
            .ToListAsync(ct);
        var acted = 0;
        foreach (var item in due)
        {
            await using var session = store.LightweightSession();
            // Changed meanwhile (done, or marked by another replica): the next run sees it.
            if (await session.Act<Responsibility>(item.Id, state => ResponsibilityDecider.Decide(new MarkOverdue(item.Id, now), state), ct) > 0)
            {
                acted++;
                logger.LogDebug("责任逾期已督办 / Responsibility {Id} is overdue: escalated to its county", item.Id);
            }
        }
        return acted;
    }
}
