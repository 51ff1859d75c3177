using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;

namespace JiaoLianTi.Activities.Integration;

/// <summary>
/// Activities' addition to the replica for a member leaving an alliance: every programme that unit gives with a
/// resource of that alliance, not cancelled, is flagged for its school (the school chooses another provider, its own
/// staff, or cancels). The programme goes on meanwhile: its enrolled children keep their places. A dissolved alliance
/// ends every membership of it at once (Alliances sends no MemberLeft for each): all its providers' programmes are
/// flagged the same way.
/// </summary>
public sealed class ProviderLeftFlagsProgrammes(ILogger<ProviderLeftFlagsProgrammes> logger)
    : IAllianceFactHook<MemberLeft>, IAllianceFactHook<AllianceDissolved>
{
    public async Task AppliedAsync(MemberLeft fact, IDocumentSession session, CancellationToken ct)
    {
        var affected = await session.Query<ProgrammeView>()
            .Where(p => p.ProviderUnitId == fact.UnitId && p.ProviderAllianceId == fact.AllianceId
                && p.Status != ProgrammeStatus.Cancelled && p.ProviderLeftAt == null)
            .Select(p => p.Id)
            .ToListAsync(ct);
        await FlagAsync(affected, fact.AllianceId, fact.LeftAt, session, ct);
        logger.LogInformation("成员单位退出，标记 {Count} 个课后服务项目 / Unit {UnitId} left alliance {AllianceId}: {Count} programmes flagged",
            affected.Count, fact.UnitId, fact.AllianceId, affected.Count);
    }

    public async Task AppliedAsync(AllianceDissolved fact, IDocumentSession session, CancellationToken ct)
    {
        var affected = await session.Query<ProgrammeView>()
            .Where(p => p.ProviderAllianceId == fact.AllianceId && p.Status != ProgrammeStatus.Cancelled && p.ProviderLeftAt == null)
            .Select(p => p.Id)
            .ToListAsync(ct);
        await FlagAsync(affected, fact.AllianceId, fact.DissolvedAt, session, ct);
        logger.LogInformation("教联体撤销，标记 {Count} 个课后服务项目 / Alliance {AllianceId} dissolved: {Count} programmes flagged",
            affected.Count, fact.AllianceId, affected.Count);
    }

    private static async Task FlagAsync(IReadOnlyList<Guid> affected, Guid allianceId, DateTimeOffset at, IDocumentSession session,
        CancellationToken ct)
    {
        foreach (var id in affected)
        {
            // A racing write to the programme fails the commit; MassTransit retries the message, decided afresh.
            var stream = await session.Events.FetchForWriting<Programme>(id, ct);
            if (stream.Aggregate is { Provider.UnitId: { } unit } programme)
            {
                stream.AppendMany(ProgrammeDecider.Decide(new FlagProviderLeft(id, unit, allianceId, at), programme).ToArray());
            }
        }
    }
}
