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
        // Every membership ends with the alliance: it routes nothing any more, whatever arrives later.
        alliance.Dissolved = true;
        session.Store(alliance);
        session.DeleteWhere<KnownMembership>(x => x.AllianceId == m.AllianceId);
    }
}

public sealed class MemberJoinedConsumer(IDocumentSession session) : IConsumer<MemberJoined>
{
    public async Task Consume(ConsumeContext<MemberJoined> context)
    {
        var m = context.Message;
        var alliance = await session.LoadAsync<KnownAlliance>(m.AllianceId, context.CancellationToken);
        if (alliance?.Dissolved == true)
        {
            return;
        }
        var id = KnownMembership.IdOf(m.AllianceId, m.UnitId);
        var existing = await session.LoadAsync<KnownMembership>(id, context.CancellationToken);
        if (existing?.LeftAt is { } left && left >= m.JoinedAt)
        {
            return; // it left after this join: the join arrived late
        }
        session.Store(new KnownMembership
        {
            Id = id, AllianceId = m.AllianceId, UnitId = m.UnitId, UnitKind = m.UnitKind, Role = m.Role, JoinedAt = m.JoinedAt,
        });
    }
}

public sealed class MemberLeftConsumer(IDocumentSession session) : IConsumer<MemberLeft>
{
    public async Task Consume(ConsumeContext<MemberLeft> context)
    {
        var m = context.Message;
        var id = KnownMembership.IdOf(m.AllianceId, m.UnitId);
        var membership = await session.LoadAsync<KnownMembership>(id, context.CancellationToken)
            ?? new KnownMembership { Id = id, AllianceId = m.AllianceId, UnitId = m.UnitId };
        if (membership.LeftAt is null && membership.JoinedAt > m.LeftAt)
        {
            return; // a late leave of an earlier membership: the unit has joined again since
        }
        if (membership.LeftAt is null || membership.LeftAt < m.LeftAt)
        {
            membership.LeftAt = m.LeftAt;
        }
        session.Store(membership);
    }
}
