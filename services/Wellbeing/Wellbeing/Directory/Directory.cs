using JiaoLianTi.Alliances.Contracts;
using Marten;
using MassTransit;

namespace JiaoLianTi.Wellbeing.Directory;

/// <summary>A member unit Wellbeing knows of, from Alliances' <see cref="MemberUnitRegistered"/>.</summary>
public sealed class Unit
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string CountyCode { get; set; } = "";
}

/// <summary>A unit's membership of an alliance (<see cref="MemberJoined"/>, <see cref="MemberLeft"/>, <see cref="AllianceDissolved"/>).</summary>
public sealed class Membership
{
    public string Id { get; set; } = "";
    public Guid AllianceId { get; set; }
    public Guid UnitId { get; set; }
    public string UnitKind { get; set; } = "";
    public string Role { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public bool Active { get; set; }

    public static string IdOf(Guid allianceId, Guid unitId) => $"{allianceId:N}:{unitId:N}";
}

/// <summary>An alliance that was dissolved: a late <see cref="MemberJoined"/> of it must not revive it.</summary>
public sealed class DissolvedAlliance
{
    public Guid Id { get; set; }
    public DateTimeOffset DissolvedAt { get; set; }
}

/// <summary>What Wellbeing asks of its copy of the alliance directory.</summary>
public static class UnitDirectory
{
    public static readonly string[] MedicalKinds = [MemberUnitKinds.Hospital, MemberUnitKinds.MentalHealthCentre];

    /// <summary>The county of a school, or null when Alliances has not announced it.</summary>
    public static async Task<string?> CountyOfSchoolAsync(IQuerySession session, Guid schoolId, CancellationToken ct)
    {
        var unit = await session.LoadAsync<Unit>(schoolId, ct);
        if (unit is not null)
        {
            return unit.Kind == MemberUnitKinds.School ? unit.CountyCode : null;
        }
        var membership = await session.Query<Membership>()
            .Where(m => m.UnitId == schoolId && m.UnitKind == MemberUnitKinds.School).FirstOrDefaultAsync(ct);
        return membership?.CountyCode;
    }

    /// <summary>True when <paramref name="unitId"/> is a hospital or mental-health centre that is an active member of an
    /// alliance the school belongs to (joined, as member or lead).</summary>
    public static async Task<bool> IsMedicalMemberOfSchoolsAllianceAsync(
        IQuerySession session, Guid schoolId, Guid unitId, CancellationToken ct)
    {
        var alliances = await AlliancesOfAsync(session, schoolId, ct);
        if (alliances.Count == 0)
        {
            return false;
        }
        return await session.Query<Membership>().AnyAsync(m =>
            m.UnitId == unitId && m.Active && m.UnitKind.IsOneOf(MedicalKinds) && m.AllianceId.IsOneOf(alliances), ct);
    }

    /// <summary>True when <paramref name="unitId"/> is any active member of an alliance the school belongs to.</summary>
    public static async Task<bool> IsMemberOfSchoolsAllianceAsync(IQuerySession session, Guid schoolId, Guid unitId, CancellationToken ct)
    {
        var alliances = await AlliancesOfAsync(session, schoolId, ct);
        return alliances.Count > 0 && await session.Query<Membership>()
            .AnyAsync(m => m.UnitId == unitId && m.Active && m.AllianceId.IsOneOf(alliances), ct);
    }

    private static async Task<List<Guid>> AlliancesOfAsync(IQuerySession session, Guid schoolId, CancellationToken ct) =>
        (await session.Query<Membership>().Where(m => m.UnitId == schoolId && m.Active)
            .Select(m => m.AllianceId).ToListAsync(ct)).ToList();
}

/// <summary>Keeps Wellbeing's copy of the unit directory. Stages only: the idempotency filter commits.</summary>
public sealed class MemberUnitRegisteredConsumer(IDocumentSession session) : IConsumer<MemberUnitRegistered>
{
    public Task Consume(ConsumeContext<MemberUnitRegistered> context)
    {
        var m = context.Message;
        session.Store(new Unit { Id = m.UnitId, Kind = m.Kind, Name = m.Name, CountyCode = m.CountyCode });
        return Task.CompletedTask;
    }
}

public sealed class MemberJoinedConsumer(IDocumentSession session) : IConsumer<MemberJoined>
{
    public async Task Consume(ConsumeContext<MemberJoined> context)
    {
        var m = context.Message;
        var dissolved = await session.LoadAsync<DissolvedAlliance>(m.AllianceId, context.CancellationToken);
        session.Store(new Membership
        {
            Id = Membership.IdOf(m.AllianceId, m.UnitId), AllianceId = m.AllianceId, UnitId = m.UnitId,
            UnitKind = m.UnitKind, Role = m.Role, CountyCode = m.CountyCode, Active = dissolved is null,
        });
    }
}

public sealed class MemberLeftConsumer(IDocumentSession session) : IConsumer<MemberLeft>
{
    public async Task Consume(ConsumeContext<MemberLeft> context)
    {
        var m = context.Message;
        var membership = await session.LoadAsync<Membership>(Membership.IdOf(m.AllianceId, m.UnitId), context.CancellationToken)
            ?? new Membership { Id = Membership.IdOf(m.AllianceId, m.UnitId), AllianceId = m.AllianceId, UnitId = m.UnitId };
        membership.Active = false;
        session.Store(membership);
    }
}

public sealed class AllianceDissolvedConsumer(IDocumentSession session) : IConsumer<AllianceDissolved>
{
    public async Task Consume(ConsumeContext<AllianceDissolved> context)
    {
        var m = context.Message;
        session.Store(new DissolvedAlliance { Id = m.AllianceId, DissolvedAt = m.DissolvedAt });
        var memberships = await session.Query<Membership>().Where(x => x.AllianceId == m.AllianceId).ToListAsync(context.CancellationToken);
        foreach (var membership in memberships)
        {
            membership.Active = false;
            session.Store(membership);
        }
    }
}
