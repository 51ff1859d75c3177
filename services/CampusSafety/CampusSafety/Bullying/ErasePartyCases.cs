using JiaoLianTi.Platform.PersonalData;
using Marten;

namespace JiaoLianTi.CampusSafety.Bullying;

/// <summary>
/// CampusSafety's part of a child's erasure: the narrative of every bullying case the child is a party to is erased
/// (its key destroyed). The case, its parties' opaque ids, its status and every recorded read stay.
/// </summary>
public sealed class ErasePartyCases : IChildErasureHook
{
    public async Task ErasingAsync(JiaoLianTi.Wellbeing.Contracts.ChildErasureRequested request, IDocumentSession session, CancellationToken ct)
    {
        var cases = await session.Query<BullyingCase>()
            .Where(c => c.Parties.Any(p => p.StudentId == request.StudentId))
            .Select(c => c.Id)
            .ToListAsync(ct);
        foreach (var caseId in cases)
        {
            PersonalDataVault.EraseKey(session, caseId);
        }
    }
}
