using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Subscriptions.Broker;
using JiaoLianTi.Subscriptions.Catalogue;
using JiaoLianTi.Subscriptions.Replay;
using JiaoLianTi.Subscriptions.Webhooks;
using Marten;
using MassTransit;

namespace JiaoLianTi.Subscriptions.Relay;

/// <summary>
/// 转发: every integration event of the five services arrives on this service's own queue (idempotent by MessageId,
/// like every consumer). It is placed in its county, published as a CloudEvent to the topic exchange
/// <c>jlt.departments</c> (the broker routes it to the AMQP subscriptions whose bindings match; not published when no
/// active AMQP subscription takes its type in its county), and staged as a
/// delivery for each active webhook subscription it matches, in the same transaction as its message id. Alliances'
/// facts first update this service's replica of them, which places the events that name only a school or unit.
/// Whether the event was relayed before is read in the hand-over's round trip, before anything is published
/// (<see cref="IChecksItsId"/>), not in a read of its own ahead of the consumer.
/// <para>
/// The events waiting at the same moment are relayed in one transaction (<see cref="GroupCommit"/>, issue 20: the relay
/// was the costliest consumer of a command, one transaction and three round trips an event): the group enters the
/// hand-over once (<see cref="RelayReads"/>), and each event is relayed in its turn in the group's session. Two
/// events of one stream are never in one group (a stream's events come one after another: <see cref="RelayQueue"/>),
/// nor two that read or change the same replica document (a school's registration and an event placed by that
/// school: <see cref="GroupKey"/>), so each reads what the groups before it committed. A group that fails is relayed
/// again event by event, each in its own transaction; an event may then reach a department twice, with the same id,
/// as after any retry. <c>Messaging:GroupCommit=false</c>: one transaction an event.
/// </para>
/// </summary>
public sealed class RelayConsumer<T>(IDocumentSession session, DepartmentExchange exchange, WebhookTargets targets,
    WebhookSignal signal, ConsumerCommitted outcome, GroupCommit groups, IServiceProvider services, ILogger<RelayConsumer<T>> logger)
    : IConsumer<T>, IChecksItsId, ICommitsInGroups where T : class
{
    private static readonly CatalogueEntry Entry = EventCatalogue.Find(typeof(T).Name)
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the event catalogue");

    public async Task Consume(ConsumeContext<T> context)
    {
        var id = context.MessageId ?? throw new InvalidOperationException($"{typeof(T).Name} without a MessageId");
        var message = context.Message;
        var sent = context.SentTime ?? DateTime.UtcNow;
        var stream = RelayQueue.StreamOf(context) is var key && key != RelayQueue.Unkeyed ? key : (Guid?)null;
        if (groups.Takes(typeof(T)))
        {
            var replica = services.GetService<ReplicaConsumer<T>>();
            var relayedBefore = false;
            await groups.Apply(id, typeof(T).Name, GroupKey(message, replica, stream ?? id), alone: replica?.HasHooks == true,
                scope =>
                {
                    scope.GetRequiredService<RelayReads>().Want(id);
                    scope.GetService<ReplicaConsumer<T>>()?.Want(message);
                },
                async (scope, ct) => relayedBefore = !await scope.GetRequiredService<RelayConsumer<T>>()
                    .Relay(message, id, sent, stream, scope.GetRequiredService<RelayReads>(), ct),
                context.CancellationToken);
            if (relayedBefore)
            {
                outcome.AlreadyApplied = true;
            }
            else
            {
                outcome.Committed = true;
            }
            return;
        }
        if (!await Relay(message, id, sent, stream, group: null, context.CancellationToken))
        {
            outcome.AlreadyApplied = true;
        }
    }

    /// <summary>
    /// What the event reads or changes of the replica, so that two such events are not in one group: the replica's key
    /// of an Alliances fact (its unit or alliance), else the school, unit or alliance it is placed by, else its stream.
    /// </summary>
    private static object GroupKey(T message, ReplicaConsumer<T>? replica, Guid stream) =>
        replica is not null ? replica.KeyOf(message) : Divisions.ReadsOf(message) ?? stream;

    /// <summary>
    /// Relays the event in this consumer's session: alone (<paramref name="group"/> null: it enters the hand-over
    /// itself), or in a group that entered it already. False: it was relayed before, and nothing was done.
    /// </summary>
    private async Task<bool> Relay(T message, Guid id, DateTime sent, Guid? stream, RelayReads? group, CancellationToken ct)
    {
        if (group?.AlreadyApplied(id) == true)
        {
            return false;
        }
        if (services.GetService<ReplicaConsumer<T>>() is { } replica)
        {
            await replica.StageAsync(message, ct);
        }
        var county = await Divisions.CountyOf(message, session, ct);
        if (county is null)
        {
            logger.LogDebug("{Type} {MessageId} names no division: no department receives it", Entry.Type, id);
            return true;
        }
        var body = CloudEvents.Build(id, Entry.Type, Entry.Service, sent, county, CloudEvents.Data(message));
        var known = targets.Current;
        var matching = known?.Matching(Entry.Type, county) ?? [];
        Handover.RelayRead read;
        if (group is null)
        {
            // One round trip: the hand-over with replays (the holds are read, and this event held or delivered, under
            // the shared lock a replay takes exclusively to start or end holding, until this transaction commits),
            // whether the subscriptions changed since they were cached, which of the deliveries due already exist (a
            // replay may have staged this event before its live publish arrived), and whether it was relayed before.
            read = await Handover.EnterShared(session, [id], [.. matching.Select(s => WebhookDelivery.IdOf(s.Id, id))], ct);
            if (read.Applied.Contains(id))
            {
                // Relayed before (a redelivery): nothing is published, sent or staged again.
                return false;
            }
        }
        else
        {
            // The group read the holds and the fingerprint as it entered.
            read = group.Read;
        }
        var cached = known is not null && known.Generation == read.Generation;
        if (known is null || !cached)
        {
            known = await targets.Load(session, ct);
            matching = known.Matching(Entry.Type, county);
        }
        if (!cached || group is not null)
        {
            // Which of the deliveries due exist already (no round trip when none is due).
            read = read with { Existing = await WebhookStaging.Existing(session, id, matching, ct) };
        }
        var holds = read.Holds.Where(h => h.Matches(Entry.Type, county)).ToList();
        if (known.AnyQueue(Entry.Type, county))
        {
            await exchange.Publish(id, Entry.Type, county, body, ct);
        }
        foreach (var hold in holds)
        {
            if (hold.Phase == HoldPhase.Direct)
            {
                // Its bindings are coming back: straight into its queue (once bound, it may get it twice, same id).
                await exchange.SendToQueue(hold.Queue, id, Entry.Type, body, ct);
                continue;
            }
            session.Store(new HeldEvent
            {
                Id = HeldEvent.IdOf(hold.Id, id), SubscriptionId = hold.Id, EventId = id, EventType = Entry.Type, Division = county,
                Body = System.Text.Encoding.UTF8.GetString(body), Stream = stream, Arrival = WebhookDelivery.NextSequence(),
            });
        }
        var held = holds.Select(h => h.Id).ToHashSet();
        WebhookStaging.Insert(session, id, Entry.Type, county, body, stream, replayed: false,
            matching.Where(s => !held.Contains(s.Id) && !read.Existing.Contains(WebhookDelivery.IdOf(s.Id, id))), signal);
        return true;
    }
}

/// <summary>
/// The hand-over read of a group of relayed events (<see cref="Platform.Messaging.IGroupReads"/>): the group's
/// transaction enters the hand-over once, under the shared lock, and reads the holds, the subscriptions' fingerprint
/// and which of its events were relayed before, in one round trip. Scoped: one per group.
/// </summary>
public sealed class RelayReads : IGroupReads
{
    private readonly HashSet<Guid> wanted = [];

    /// <summary>What the group read as it entered (the deliveries are read by each event that has some due).</summary>
    public Handover.RelayRead Read { get; private set; } = Handover.RelayRead.None;

    public void Want(Guid messageId) => wanted.Add(messageId);

    public async Task ReadAsync(IDocumentSession session, CancellationToken ct)
    {
        if (wanted.Count > 0)
        {
            Read = await Handover.EnterShared(session, [.. wanted], [], ct);
        }
    }

    public bool AlreadyApplied(Guid messageId) => Read.Applied.Contains(messageId);
}

/// <summary>
/// The active webhook subscriptions, cached in the relay between changes: each relayed event reads only a fingerprint
/// of the subscriptions' versions (<see cref="Handover.EnterShared"/>), and they are read again, in the same
/// transaction, when it differs (a request, approval, pause, change, revocation or rotation, on any replica).
/// </summary>
public sealed class WebhookTargets
{
    /// <summary>
    /// The fingerprint of the subscriptions: the sum of their versions (each document's version is its stream's, which
    /// every change raises; none is ever deleted), so it grows with any change.
    /// </summary>
    public static string GenerationSql(string schema) =>
        $"select coalesce(sum(mt_version), 0)::text || '/' || count(*)::text from {schema}.mt_doc_subscription";

    public sealed record Known(string Generation, IReadOnlyList<Subscriptions.Subscription> Webhooks,
        IReadOnlyList<Subscriptions.Subscription> Queues)
    {
        public IReadOnlyList<Subscriptions.Subscription> Matching(string type, string county) =>
            [.. Webhooks.Where(s => Covers(s, type, county))];

        /// <summary>
        /// Whether an active AMQP subscription takes events of this type and county: only such a subscription's queue
        /// is bound to <c>jlt.departments</c> (a paused one has no bindings: <see cref="Broker.BrokerProvisioner"/>), so
        /// an event no binding can match is not published at all (issue 20: most events of a busy province match none).
        /// </summary>
        public bool AnyQueue(string type, string county) => Queues.Any(s => Covers(s, type, county));

        private static bool Covers(Subscriptions.Subscription s, string type, string county) =>
            s.Scope is { } scope && scope.EventTypes.Contains(type) && county.StartsWith(scope.Region, StringComparison.Ordinal);
    }

    private volatile Known? known;

    public Known? Current => known;

    /// <summary>Reads every subscription and their fingerprint in one statement (one snapshot) in the session's transaction.</summary>
    public async Task<Known> Load(IDocumentSession session, CancellationToken ct)
    {
        var options = session.DocumentStore.Options;
        var serializer = options.Serializer();
        await using var command = session.Connection!.CreateCommand();
        // The fingerprint also when there is no subscription (a left join on a row of its own): read with none,
        // it was "" against the hand-over's "0/0", and every event read the subscriptions again.
        command.CommandText = $"select g.generation, d.data from ({GenerationSql(options.DatabaseSchemaName)}) as g(generation) " +
            $"left join {options.DatabaseSchemaName}.mt_doc_subscription as d on true";
        var generation = "";
        var webhooks = new List<Subscriptions.Subscription>();
        var queues = new List<Subscriptions.Subscription>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                generation = reader.GetString(0);
                if (reader.IsDBNull(1))
                {
                    continue; // no subscription at all: the fingerprint alone
                }
                var subscription = serializer.FromJson<Subscriptions.Subscription>(reader, 1);
                if (subscription is { Status: Subscriptions.SubscriptionStatus.Active, Scope: not null })
                {
                    (subscription.Delivery == Subscriptions.DeliveryKind.Webhook ? webhooks : queues).Add(subscription);
                }
            }
        }
        var loaded = new Known(generation, webhooks, queues);
        known = loaded;
        return loaded;
    }
}

/// <summary>An event's webhook deliveries: one per subscription, staged once however often the event comes.</summary>
public static class WebhookStaging
{
    /// <summary>
    /// Stages a delivery of the event for <paramref name="onlyFor"/> (a replay, or a held event released) unless that
    /// subscription already has it; returns how many (0 or 1). The relay stages live events itself (<see cref="RelayConsumer{T}"/>).
    /// </summary>
    public static async Task<int> Stage(IDocumentSession session, Guid eventId, string type, string county, byte[] body,
        Guid? stream, bool replayed, Subscriptions.Subscription onlyFor, CancellationToken ct)
    {
        IReadOnlyList<Subscriptions.Subscription> targets = [onlyFor];
        var existing = await Existing(session, eventId, targets, ct);
        return Insert(session, eventId, type, county, body, stream, replayed, targets.Where(s => !existing.Contains(WebhookDelivery.IdOf(s.Id, eventId))));
    }

    /// <summary>Which of the event's deliveries to <paramref name="targets"/> the store has already.</summary>
    public static async Task<IReadOnlySet<Guid>> Existing(IQuerySession session, Guid eventId,
        IReadOnlyList<Subscriptions.Subscription> targets, CancellationToken ct)
    {
        if (targets.Count == 0)
        {
            return new HashSet<Guid>();
        }
        var ids = targets.Select(s => WebhookDelivery.IdOf(s.Id, eventId)).ToArray();
        return (await session.LoadManyAsync<WebhookDelivery>(ct, ids)).Select(d => d.Id).ToHashSet();
    }

    /// <summary>Stages a new delivery of the event for each of <paramref name="targets"/>; returns how many.</summary>
    /// <remarks>With <paramref name="signal"/> (the relay), each is announced to the sender as being staged until its
    /// transaction commits, so that no later one of the subscription is sent before it.</remarks>
    public static int Insert(IDocumentSession session, Guid eventId, string type, string county, byte[] body, Guid? stream, bool replayed,
        IEnumerable<Subscriptions.Subscription> targets, WebhookSignal? signal = null)
    {
        var now = DateTimeOffset.UtcNow;
        string? text = null;
        var staged = 0;
        foreach (var subscription in targets)
        {
            text ??= System.Text.Encoding.UTF8.GetString(body);
            var sequence = WebhookDelivery.NextSequence();
            signal?.Staging(subscription.Id, sequence);
            session.Insert(new WebhookDelivery
            {
                Id = WebhookDelivery.IdOf(subscription.Id, eventId), SubscriptionId = subscription.Id, EventId = eventId, EventType = type,
                Division = county, Body = text, Stream = stream, Sequence = sequence, Status = DeliveryStatus.Pending, CreatedAt = now,
                NextAttemptAt = now, Replayed = replayed,
            });
            staged++;
        }
        return staged;
    }
}
