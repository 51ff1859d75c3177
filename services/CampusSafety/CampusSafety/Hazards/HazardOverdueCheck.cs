using JasperFx;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using Marten;

namespace JiaoLianTi.CampusSafety.Hazards;

/// <summary>
/// 超时督办: open reports past their SLA escalate to the county, once per round. Idempotent: the decider appends
/// nothing for a round already escalated, and a replica racing this one loses on the stream version.
/// </summary>
public sealed class HazardOverdueCheck(IDocumentStore store, ILogger<HazardOverdueCheck> logger) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        List<SurroundingsReport> due;
        await using (var query = store.QuerySession())
        {
            due = (await query.Query<SurroundingsReport>()
                    .Where(r => r.DueAt <= now && (r.Status == HazardStatus.Reported
                        || r.Status == HazardStatus.Assigned || r.Status == HazardStatus.Acknowledged))
                    .ToListAsync(ct))
                .Where(r => r.EscalatedRound != r.Round).ToList();
        }
        var acted = 0;
        foreach (var report in due)
        {
            await using var session = store.LightweightSession();
            // Changed since we read it (resolved, or escalated by another replica): 0, and the next turn looks again.
            if (await session.Act<SurroundingsReport>(report.Id, s => HazardDecider.Decide(new EscalateOverdueHazard(now), s), ct) > 0)
            {
                acted++;
                logger.LogDebug("隐患超时已督办 / Report {ReportId} is overdue: escalated to county {County}",
                    report.Id, report.CountyCode);
            }
        }
        return acted;
    }
}
