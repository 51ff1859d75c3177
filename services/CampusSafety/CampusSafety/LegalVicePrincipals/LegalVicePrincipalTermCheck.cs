using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using Marten;

namespace JiaoLianTi.CampusSafety.LegalVicePrincipals;

/// <summary>
/// 任期届满: an appointment whose term has run out without renewal ends (reason <c>TermExpired</c>), so that its end
/// leaves as an integration event like any other. Idempotent: an ended appointment decides nothing, and a replica racing
/// this one loses on the stream version.
/// </summary>
public sealed class LegalVicePrincipalTermCheck(IDocumentStore store, ILogger<LegalVicePrincipalTermCheck> logger) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        List<Guid> lapsed;
        await using (var query = store.QuerySession())
        {
            lapsed = (await query.Query<LegalVicePrincipal>()
                .Where(a => a.Status == AppointmentStatus.Active && a.EndsOn < today).Select(a => a.Id).ToListAsync(ct)).ToList();
        }
        var acted = 0;
        foreach (var id in lapsed)
        {
            await using var session = store.LightweightSession();
            if (await session.Act<LegalVicePrincipal>(id, a => LegalVicePrincipalDecider.Decide(new ExpireLegalVicePrincipalTerm(now), a), ct) > 0)
            {
                acted++;
                logger.LogDebug("法治副校长任期届满 / Appointment {AppointmentId} ended: its term ran out", id);
            }
        }
        return acted;
    }
}
