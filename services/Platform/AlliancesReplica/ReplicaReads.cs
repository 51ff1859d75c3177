using Marten;

namespace JiaoLianTi.Platform.AlliancesReplica;

/// <summary>
/// The replica documents a group's facts are applied to, read before the facts are staged: one round trip for each
/// kind of document instead of one for every fact (<see cref="Messaging.GroupCommit"/>; issue 20). Each fact of the
/// group names what it reads (<see cref="ReplicaConsumer{TFact}"/>), this reads them all in the group's session (so
/// that an update is checked against the version read), and the facts then take them from here. Outside a group
/// nothing is wanted and every fact reads its own. Scoped: one per group.
/// </summary>
public sealed class ReplicaReads : Messaging.IGroupReads
{
    private readonly Dictionary<Type, HashSet<object>> wanted = [];
    private readonly Dictionary<(Type, object), Fact?> read = [];

    public void Want<T>(Guid id) where T : Fact => Wanted<T>().Add(id);

    public void Want<T>(string id) where T : Fact => Wanted<T>().Add(id);

    private HashSet<object> Wanted<T>()
    {
        if (!wanted.TryGetValue(typeof(T), out var ids))
        {
            wanted[typeof(T)] = ids = [];
        }
        return ids;
    }

    /// <summary>Whether <paramref name="id"/> was read for the group: <paramref name="document"/> is then what the store held (null: none).</summary>
    public bool TryGet<T>(object id, out T? document) where T : Fact
    {
        var found = read.TryGetValue((typeof(T), id), out var fact);
        document = fact as T;
        return found;
    }

    public async Task ReadAsync(IDocumentSession session, CancellationToken ct)
    {
        await Read<KnownUnit>(session, u => u.Id, ct);
        await Read<KnownAlliance>(session, a => a.Id, ct);
        await Read<KnownResource>(session, r => r.Id, ct);
        if (wanted.Remove(typeof(KnownMembership), out var memberships))
        {
            var ids = memberships.Cast<string>().ToArray();
            foreach (var id in ids)
            {
                read[(typeof(KnownMembership), id)] = null;
            }
            foreach (var membership in await session.LoadManyAsync<KnownMembership>(ct, ids))
            {
                read[(typeof(KnownMembership), membership.Id)] = membership;
            }
        }
    }

    private async Task Read<T>(IDocumentSession session, Func<T, Guid> idOf, CancellationToken ct) where T : Fact
    {
        if (!wanted.Remove(typeof(T), out var set))
        {
            return;
        }
        var ids = set.Cast<Guid>().ToArray();
        foreach (var id in ids)
        {
            read[(typeof(T), id)] = null;
        }
        foreach (var document in await session.LoadManyAsync<T>(ct, ids))
        {
            read[(typeof(T), idOf(document))] = document;
        }
    }
}
