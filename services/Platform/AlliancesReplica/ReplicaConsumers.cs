using JiaoLianTi.Alliances.Contracts;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.AlliancesReplica;

/// <summary>
/// What a service adds to the replica: runs after the replica applied <typeparamref name="TFact"/> (it was newer than
/// what the replica held), in the same session, so the idempotency filter commits both together with the message id.
/// Activities, for example, cancels the activities that use a resource when its withdrawal is applied. A hook only
/// stages in the session (<see cref="Messaging.IStagesOnly"/>): a duplicate that raced the first delivery may run it
/// before its commit is refused.
/// </summary>
public interface IAllianceFactHook<in TFact> where TFact : class
{
    Task AppliedAsync(TFact fact, IDocumentSession session, CancellationToken ct);
}

/// <summary>What a replica consumer commits with: the service's group commit, and the mark for the idempotency filter.</summary>
public sealed class ReplicaCommit(Messaging.GroupCommit groups, Messaging.ConsumerCommitted committed, ReplicaReads reads)
{
    /// <summary>What a group read for its facts before they were staged (nothing outside a group).</summary>
    public ReplicaReads Reads { get; } = reads;

    public Messaging.GroupCommit Groups { get; } = groups;
    public Messaging.ConsumerCommitted Committed { get; } = committed;
}

/// <summary>
/// A consumer of one of Alliances' facts: applies it to the replica if it is newer than what the replica holds, then
/// runs the service's hooks. It only stages changes, which are committed with the message id: by
/// <see cref="Messaging.GroupCommit"/> with the other facts waiting at the same moment (one transaction for many, one group
/// after another; a fact the service has hooks for commits alone in its turn, as its hooks may read documents no key
/// names), or by the idempotency filter where group commits are off. Two deliveries racing on one document: the second commit fails on the document's version
/// (optimistic concurrency) or on the insert, MassTransit retries, and the retry decides afresh on what the first
/// committed. It only stages, so the id is not read first (<see cref="Messaging.IStagesOnly"/>): a duplicate finds the
/// fact no newer than what the replica holds and changes nothing, and its commit is refused on the id.
/// </summary>
public abstract class ReplicaConsumer<TFact>(IDocumentSession session, IEnumerable<IAllianceFactHook<TFact>> hooks,
    ReplicaCommit commit) : IConsumer<TFact>, Messaging.ICommitsInGroups where TFact : class
{
    private readonly IReadOnlyList<IAllianceFactHook<TFact>> hooks = [.. hooks];

    public async Task Consume(ConsumeContext<TFact> context)
    {
        if (commit.Groups.Takes(typeof(TFact)) && context.MessageId is { } messageId)
        {
            var consumer = GetType();
            var fact = context.Message;
            await commit.Groups.Apply(messageId, typeof(TFact).Name, GroupKey(fact), alone: HasHooks,
                services => ((ReplicaConsumer<TFact>)services.GetRequiredService(consumer)).Want(fact),
                (services, ct) => ((ReplicaConsumer<TFact>)services.GetRequiredService(consumer)).StageAsync(fact, ct),
                context.CancellationToken);
            commit.Committed.Committed = true;
            return;
        }
        await StageAsync(context.Message, context.CancellationToken);
    }

    /// <summary>Stages the fact and, if it was applied, the service's hooks, in this consumer's session.</summary>
    public async Task StageAsync(TFact fact, CancellationToken ct)
    {
        if (!await ApplyAsync(fact, session, ct))
        {
            return;
        }
        foreach (var hook in hooks)
        {
            await hook.AppliedAsync(fact, session, ct);
        }
    }

    /// <summary>
    /// What the fact concerns: two facts with the same key are not committed in one group (the later one reads what the
    /// earlier committed). Every fact that reads or changes an alliance's documents gives the alliance.
    /// </summary>
    protected abstract Guid GroupKey(TFact fact);

    /// <summary>Names the documents <see cref="ApplyAsync"/> will read, for a group to read them at once.</summary>
    protected abstract void Want(TFact fact, ReplicaReads reads);

    /// <summary>Names, for the group this consumer's scope commits, the documents the fact will read.</summary>
    public void Want(TFact fact) => Want(fact, commit.Reads);

    /// <summary>What the fact concerns (<see cref="GroupKey"/>), for a consumer that stages it within its own (the relay).</summary>
    public Guid KeyOf(TFact fact) => GroupKey(fact);

    /// <summary>Whether the service has hooks for the fact: it is then committed alone, in its turn.</summary>
    public bool HasHooks => hooks.Count > 0;

    /// <summary>A replica document as the group read it, or from the store.</summary>
    protected async Task<T?> Load<T>(IDocumentSession session, Guid id, CancellationToken ct) where T : Fact =>
        commit.Reads.TryGet<T>(id, out var read) ? read : await session.LoadAsync<T>(id, ct);

    protected async Task<T?> Load<T>(IDocumentSession session, string id, CancellationToken ct) where T : Fact =>
        commit.Reads.TryGet<T>(id, out var read) ? read : await session.LoadAsync<T>(id, ct);

    /// <summary>Stages the fact's effect; false when the replica already holds a newer fact.</summary>
    protected abstract Task<bool> ApplyAsync(TFact fact, IDocumentSession session, CancellationToken ct);

    protected async Task<(T Document, bool IsNew)> LoadOrNew<T>(IDocumentSession session, Guid id, Func<T> create, CancellationToken ct)
        where T : Fact
    {
        var found = await Load<T>(session, id, ct);
        return found is null ? (create(), true) : (found, false);
    }

    protected async Task<(T Document, bool IsNew)> LoadOrNew<T>(IDocumentSession session, string id, Func<T> create, CancellationToken ct)
        where T : Fact
    {
        var found = await Load<T>(session, id, ct);
        return found is null ? (create(), true) : (found, false);
    }

    /// <summary>Insert a new document (a racing insert fails), update a loaded one (a racing update fails on its version).</summary>
    protected static void Save<T>(IDocumentSession session, T document, bool isNew) where T : notnull
    {
        if (isNew)
        {
            session.Insert(document);
        }
        else
        {
            session.Update(document);
        }
    }
}

public sealed class MemberUnitRegisteredConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<MemberUnitRegistered>> hooks,
    ReplicaCommit commit) : ReplicaConsumer<MemberUnitRegistered>(session, hooks, commit)
{
    protected override Guid GroupKey(MemberUnitRegistered m) => m.UnitId;

    protected override void Want(MemberUnitRegistered m, ReplicaReads reads) => reads.Want<KnownUnit>(m.UnitId);

    protected override async Task<bool> ApplyAsync(MemberUnitRegistered m, IDocumentSession session, CancellationToken ct)
    {
        var (unit, isNew) = await LoadOrNew(session, m.UnitId, () => new KnownUnit { Id = m.UnitId }, ct);
        if (!unit.IsOlderThan(m.Version, m.RegisteredAt))
        {
            return false;
        }
        unit.Kind = m.Kind;
        unit.Name = m.Name;
        unit.CountyCode = m.CountyCode;
        unit.RegisteredAt = m.RegisteredAt;
        unit.Saw(m.Version, m.RegisteredAt);
        Save(session, unit, isNew);
        return true;
    }
}

/// <summary>The lifecycle facts of an alliance: the newest decides its status; older ones fill in what it lacks.</summary>
public abstract class AllianceLifecycleConsumer<TFact>(IDocumentSession session, IEnumerable<IAllianceFactHook<TFact>> hooks,
    ReplicaCommit commit) : ReplicaConsumer<TFact>(session, hooks, commit) where TFact : class
{
    protected override Guid GroupKey(TFact fact) => Identify(fact).AllianceId;

    protected override void Want(TFact fact, ReplicaReads reads) => reads.Want<KnownAlliance>(Identify(fact).AllianceId);

    protected abstract (Guid AllianceId, string CountyCode, long? Version, DateTimeOffset At) Identify(TFact fact);

    /// <summary>True for the fact that ends the alliance: at the same time it wins (see FactOrder).</summary>
    protected virtual bool Ends => false;

    /// <summary>What the fact says of the alliance whatever its order (its name, lead, first establishment).</summary>
    protected virtual void Describe(TFact fact, KnownAlliance alliance) { }

    /// <summary>What the fact does to the alliance when it is the newest.</summary>
    protected abstract Task ChangeAsync(TFact fact, KnownAlliance alliance, IDocumentSession session, CancellationToken ct);

    protected override async Task<bool> ApplyAsync(TFact fact, IDocumentSession session, CancellationToken ct)
    {
        var (id, county, version, at) = Identify(fact);
        var (alliance, isNew) = await LoadOrNew(session, id, () => new KnownAlliance { Id = id }, ct);
        if (alliance.CountyCode.Length == 0)
        {
            alliance.CountyCode = county;
        }
        Describe(fact, alliance);
        var newer = alliance.IsOlderThan(version, at, Ends);
        if (newer)
        {
            await ChangeAsync(fact, alliance, session, ct);
            alliance.Saw(version, at);
        }
        Save(session, alliance, isNew);
        return newer;
    }
}

public sealed class AllianceEstablishedConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<AllianceEstablished>> hooks,
    ReplicaCommit commit) : AllianceLifecycleConsumer<AllianceEstablished>(session, hooks, commit)
{
    protected override (Guid, string, long?, DateTimeOffset) Identify(AllianceEstablished m) =>
        (m.AllianceId, m.CountyCode, m.Version, m.EstablishedAt);

    protected override void Describe(AllianceEstablished m, KnownAlliance alliance)
    {
        alliance.Name = m.Name;
        alliance.Kind = m.Kind;
        alliance.LeadUnit = m.LeadUnit;
        alliance.LeadUnitId = m.LeadUnitId;
        alliance.EstablishedAt = alliance.EstablishedAt is { } known && known < m.EstablishedAt ? known : m.EstablishedAt;
    }

    protected override Task ChangeAsync(AllianceEstablished m, KnownAlliance alliance, IDocumentSession session, CancellationToken ct)
    {
        alliance.Status = KnownAllianceStatus.Established;
        return Task.CompletedTask;
    }
}

public sealed class AllianceSuspendedConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<AllianceSuspended>> hooks,
    ReplicaCommit commit) : AllianceLifecycleConsumer<AllianceSuspended>(session, hooks, commit)
{
    protected override (Guid, string, long?, DateTimeOffset) Identify(AllianceSuspended m) =>
        (m.AllianceId, m.CountyCode, m.Version, m.SuspendedAt);

    protected override Task ChangeAsync(AllianceSuspended m, KnownAlliance alliance, IDocumentSession session, CancellationToken ct)
    {
        alliance.Status = KnownAllianceStatus.Suspended;
        return Task.CompletedTask;
    }
}

public sealed class AllianceReestablishedConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<AllianceReestablished>> hooks,
    ReplicaCommit commit) : AllianceLifecycleConsumer<AllianceReestablished>(session, hooks, commit)
{
    protected override (Guid, string, long?, DateTimeOffset) Identify(AllianceReestablished m) =>
        (m.AllianceId, m.CountyCode, m.Version, m.ReestablishedAt);

    protected override Task ChangeAsync(AllianceReestablished m, KnownAlliance alliance, IDocumentSession session, CancellationToken ct)
    {
        alliance.Status = KnownAllianceStatus.Established;
        return Task.CompletedTask;
    }
}

/// <summary>A dissolved alliance routes nothing any more: every membership of it ends with it.</summary>
public sealed class AllianceDissolvedConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<AllianceDissolved>> hooks,
    ReplicaCommit commit) : AllianceLifecycleConsumer<AllianceDissolved>(session, hooks, commit)
{
    protected override (Guid, string, long?, DateTimeOffset) Identify(AllianceDissolved m) =>
        (m.AllianceId, m.CountyCode, m.Version, m.DissolvedAt);

    protected override bool Ends => true;

    protected override async Task ChangeAsync(AllianceDissolved m, KnownAlliance alliance, IDocumentSession session, CancellationToken ct)
    {
        alliance.Status = KnownAllianceStatus.Dissolved;
        alliance.DissolvedAt = m.DissolvedAt;
        var memberships = await session.Query<KnownMembership>()
            .Where(x => x.AllianceId == m.AllianceId && x.Active).ToListAsync(ct);
        foreach (var membership in memberships)
        {
            membership.Active = false;
            membership.LeftAt ??= m.DissolvedAt;
            session.Update(membership);
        }
    }
}

public sealed class MemberJoinedConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<MemberJoined>> hooks,
    ReplicaCommit commit) : ReplicaConsumer<MemberJoined>(session, hooks, commit)
{
    protected override Guid GroupKey(MemberJoined m) => m.AllianceId;

    protected override void Want(MemberJoined m, ReplicaReads reads)
    {
        reads.Want<KnownMembership>(KnownMembership.IdOf(m.AllianceId, m.UnitId));
        reads.Want<KnownAlliance>(m.AllianceId);
    }

    protected override async Task<bool> ApplyAsync(MemberJoined m, IDocumentSession session, CancellationToken ct)
    {
        var id = KnownMembership.IdOf(m.AllianceId, m.UnitId);
        var (membership, isNew) = await LoadOrNew(session, id,
            () => new KnownMembership { Id = id, AllianceId = m.AllianceId, UnitId = m.UnitId }, ct);
        // What the join says of the unit holds whatever the order (a MemberLeft does not carry it).
        membership.UnitKind = m.UnitKind;
        membership.Role = m.Role;
        membership.CountyCode = m.CountyCode;
        var newer = membership.IsOlderThan(m.Version, m.JoinedAt);
        if (newer)
        {
            // Nobody joins a dissolved alliance: a join that arrives after the dissolution is an older fact.
            var alliance = await Load<KnownAlliance>(session, m.AllianceId, ct);
            var dissolved = alliance?.Status == KnownAllianceStatus.Dissolved;
            membership.JoinedAt = m.JoinedAt;
            membership.Active = !dissolved;
            membership.LeftAt = dissolved ? alliance!.DissolvedAt : null;
            membership.Saw(m.Version, m.JoinedAt);
        }
        else
        {
            membership.JoinedAt ??= m.JoinedAt;
        }
        Save(session, membership, isNew);
        return newer;
    }
}

public sealed class MemberLeftConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<MemberLeft>> hooks,
    ReplicaCommit commit) : ReplicaConsumer<MemberLeft>(session, hooks, commit)
{
    protected override Guid GroupKey(MemberLeft m) => m.AllianceId;

    protected override void Want(MemberLeft m, ReplicaReads reads) => reads.Want<KnownMembership>(KnownMembership.IdOf(m.AllianceId, m.UnitId));

    protected override async Task<bool> ApplyAsync(MemberLeft m, IDocumentSession session, CancellationToken ct)
    {
        var id = KnownMembership.IdOf(m.AllianceId, m.UnitId);
        var (membership, isNew) = await LoadOrNew(session, id,
            () => new KnownMembership { Id = id, AllianceId = m.AllianceId, UnitId = m.UnitId }, ct);
        if (!membership.IsOlderThan(m.Version, m.LeftAt, ends: true))
        {
            return false;
        }
        membership.Active = false;
        membership.LeftAt = m.LeftAt;
        membership.Saw(m.Version, m.LeftAt);
        Save(session, membership, isNew);
        return true;
    }
}

public sealed class ResourcePublishedConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<ResourcePublished>> hooks,
    ReplicaCommit commit) : ReplicaConsumer<ResourcePublished>(session, hooks, commit)
{
    protected override Guid GroupKey(ResourcePublished m) => m.ResourceId;

    protected override void Want(ResourcePublished m, ReplicaReads reads) => reads.Want<KnownResource>(m.ResourceId);

    protected override async Task<bool> ApplyAsync(ResourcePublished m, IDocumentSession session, CancellationToken ct)
    {
        var (resource, isNew) = await LoadOrNew(session, m.ResourceId, () => new KnownResource { Id = m.ResourceId }, ct);
        // What the publication describes holds whatever the order; whether the resource is offered is the newest fact's.
        resource.AllianceId = m.AllianceId;
        resource.UnitId = m.UnitId;
        resource.Kind = m.Kind;
        resource.Title = m.Title;
        resource.Topics = [.. m.Topics];
        resource.Capacity = m.Capacity;
        resource.CountyCode = m.CountyCode;
        resource.PublishedAt = m.PublishedAt;
        var newer = resource.IsOlderThan(m.Version, m.PublishedAt);
        if (newer)
        {
            resource.Withdrawn = false;
            resource.WithdrawnReason = null;
            resource.WithdrawnAt = null;
            resource.Saw(m.Version, m.PublishedAt);
        }
        Save(session, resource, isNew);
        return newer;
    }
}

public sealed class ResourceWithdrawnConsumer(IDocumentSession session, IEnumerable<IAllianceFactHook<ResourceWithdrawn>> hooks,
    ReplicaCommit commit) : ReplicaConsumer<ResourceWithdrawn>(session, hooks, commit)
{
    protected override Guid GroupKey(ResourceWithdrawn m) => m.ResourceId;

    protected override void Want(ResourceWithdrawn m, ReplicaReads reads) => reads.Want<KnownResource>(m.ResourceId);

    protected override async Task<bool> ApplyAsync(ResourceWithdrawn m, IDocumentSession session, CancellationToken ct)
    {
        var (resource, isNew) = await LoadOrNew(session, m.ResourceId,
            () => new KnownResource { Id = m.ResourceId, AllianceId = m.AllianceId }, ct);
        if (!resource.IsOlderThan(m.Version, m.WithdrawnAt, ends: true))
        {
            return false;
        }
        resource.Withdrawn = true;
        resource.WithdrawnReason = m.Reason;
        resource.WithdrawnAt = m.WithdrawnAt;
        resource.Saw(m.Version, m.WithdrawnAt);
        Save(session, resource, isNew);
        return true;
    }
}
