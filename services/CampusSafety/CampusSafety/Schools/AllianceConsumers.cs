using JiaoLianTi.Alliances.Contracts;
using Marten;
using MassTransit;

namespace JiaoLianTi.CampusSafety.Schools;

// Consumers only stage changes in the scoped session; the idempotency filter commits them with the message id.
// Messages may arrive in any order (a MemberJoined before its AllianceEstablished), so each one upserts.

public sealed class MemberUnitRegisteredConsumer(IDocumentSession session) : IConsumer<MemberUnitRegistered>
{
    public Task Consume(ConsumeContext<MemberUnitRegistered> context)
    {
        var m = context.Message;
        session.Store(new KnownUnit { Id = m.UnitId, Kind = m.Kind, Name = m.Name, CountyCode = m.CountyCode });
        return Task.CompletedTask;
    }
}

public sealed class AllianceEstablishedConsumer(IDocumentSession session) : IConsumer<AllianceEstablished>
{
    public async Task Consume(ConsumeContext<AllianceEstablished> context)
    {
        var m = context.Message;
        var alliance = await session.LoadAsync<KnownAlliance>(m.AllianceId, context.CancellationToken)
            ?? new KnownAlliance { Id = m.AllianceId };
        alliance.CountyCode = m.CountyCode;
        session.Store(alliance);
    }
}

public sealed class AllianceDissolvedConsumer(IDocumentSession session) : IConsumer<AllianceDissolved>
{
    public async Task Consume(ConsumeContext<AllianceDissolved> context)
    {
        var m = context.Message;
        var alliance = await session.LoadAsync<KnownAlliance>(m.AllianceId, context.CancellationToken)
            ?? new KnownAlliance { Id = m.AllianceId, CountyCode = m.CountyCode };
        // Every membership ends with the alliance: it routes nothing any more.
        alliance.Dissolved = true;
        alliance.Members.Clear();
        alliance.UnitIds.Clear();
        session.Store(alliance);
    }
}

public sealed class MemberJoinedConsumer(IDocumentSession session) : IConsumer<MemberJoined>
{
    public async Task Consume(ConsumeContext<MemberJoined> context)
    {
        var m = context.Message;
        var alliance = await session.LoadAsync<KnownAlliance>(m.AllianceId, context.CancellationToken)
            ?? new KnownAlliance { Id = m.AllianceId, CountyCode = m.CountyCode };
        if (alliance.Dissolved)
        {
            return;
        }
        alliance.Members.RemoveAll(x => x.UnitId == m.UnitId);
        alliance.Members.Add(new KnownMember(m.UnitId, m.UnitKind, m.Role, m.JoinedAt));
        alliance.UnitIds = alliance.Members.Select(x => x.UnitId).ToList();
        session.Store(alliance);
    }
}

public sealed class MemberLeftConsumer(IDocumentSession session) : IConsumer<MemberLeft>
{
    public async Task Consume(ConsumeContext<MemberLeft> context)
    {
        var m = context.Message;
        var alliance = await session.LoadAsync<KnownAlliance>(m.AllianceId, context.CancellationToken);
        if (alliance is null)
        {
            return;
        }
        alliance.Members.RemoveAll(x => x.UnitId == m.UnitId);
        alliance.UnitIds = alliance.Members.Select(x => x.UnitId).ToList();
        session.Store(alliance);
    }
}
