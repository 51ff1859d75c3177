using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;

namespace JiaoLianTi.Activities.Integration;

/// <summary>
/// Activities' addition to the replica for a member leaving an alliance: every programme that unit gives with a
/// resource of that alliance, not cancelled, is flagged for its school (the school chooses another provider, its own
/// staff, or cancels). The programme goes on meanwhile: its enrolled children keep their places.
/// </summary>
public sealed class ProviderLeftFlagsProgrammes(ILogger<ProviderLeftFlagsProgrammes> logger) : IAllianceFactHook<MemberLeft>
{
    public async Task AppliedAsync(MemberLeft fact, IDocumentSession session, CancellationToken ct)
    {
        var affected = await session.Query<ProgrammeView>()
            .Where(p => p.ProviderUnitId == fact.UnitId && p.ProviderAllianceId == fact.AllianceId
                && p.Status != ProgrammeStatus.Cancelled && p.ProviderLeftAt == null)
            .Select(p => p.Id)
            .ToListAsync(ct);
        foreach (var id in affected)
        {
            // A racing write to the programme fails the commit; MassTransit retries the message, decided afresh.
            var stream = await session.Events.FetchForWriting<Programme>(id, ct);
            if (stream.Aggregate is { } programme)
            {
                stream.AppendMany(ProgrammeDecider.Decide(
                    new FlagProviderLeft(id, fact.UnitId, fact.AllianceId, fact.LeftAt), programme).ToArray());
            }
        }
        logger.LogInformation("成员单位退出，标记 {Count} 个课后服务项目 / Unit {UnitId} left alliance {AllianceId}: {Count} programmes flagged",
            affected.Count, fact.UnitId, fact.AllianceId, affected.Count);
    }
}
