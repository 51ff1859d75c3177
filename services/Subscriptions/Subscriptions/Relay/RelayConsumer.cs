using JiaoLianTi.Platform.AlliancesReplica;
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
/// <c>jlt.departments</c> (the broker routes it to the AMQP subscriptions whose bindings match), and staged as a
/// delivery for each active webhook subscription it matches, in the same transaction as its message id. Alliances'
/// facts first update this service's replica of them, which places the events that name only a school or unit.
/// </summary>
public sealed class RelayConsumer<T>(IDocumentSession session, DepartmentExchange exchange, IServiceProvider services,
    ILogger<RelayConsumer<T>> logger) : IConsumer<T> where T : class
{
    private static readonly CatalogueEntry Entry = EventCatalogue.Find(typeof(T).Name)
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the event catalogue");

    public async Task Consume(ConsumeContext<T> context)
    {
        var ct = context.CancellationToken;
        if (services.GetService<ReplicaConsumer<T>>() is { } replica)
        {
            await replica.Consume(context);
        }
        var id = context.MessageId ?? throw new InvalidOperationException($"{typeof(T).Name} without a MessageId");
        var county = await Divisions.CountyOf(context.Message, session, ct);
        if (county is null)
        {
            logger.LogDebug("{Type} {MessageId} names no division: no department receives it", Entry.Type, id);
            return;
        }
        var body = CloudEvents.Build(id, Entry.Type, Entry.Service, context.SentTime ?? DateTime.UtcNow, county, CloudEvents.Data(context.Message));
        // The hand-over with replays: the holds are read, and this event held or delivered, under the shared lock a
        // replay takes exclusively to start or end holding (until this transaction commits).
        await Handover.Enter(session, exclusive: false, ct);
        var holds = (await session.Query<ReplayHold>().ToListAsync(ct)).Where(h => h.Matches(Entry.Type, county)).ToList();
        await exchange.Publish(id, Entry.Type, county, body, ct);
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
                Body = System.Text.Encoding.UTF8.GetString(body), Arrival = Webhooks.WebhookDelivery.NextSequence(),
            });
        }
        await WebhookStaging.Stage(session, id, Entry.Type, county, body, replayed: false, onlyFor: null, ct,
            held: holds.Select(h => h.Id).ToHashSet());
    }
}

/// <summary>Which webhook subscriptions an event goes to, and its delivery for each.</summary>
public static class WebhookStaging
{
    /// <summary>
    /// Stages a delivery of the event for every active webhook subscription whose approved types and region match
    /// (or for <paramref name="onlyFor"/> alone, a replay), unless that subscription already has it. Returns how many.
    /// A live event skips the subscriptions in <paramref name="held"/>, whose replay holds their live deliveries (<see cref="ReplayHold"/>).
    /// </summary>
    public static async Task<int> Stage(IDocumentSession session, Guid eventId, string type, string county, byte[] body,
        bool replayed, Subscriptions.Subscription? onlyFor, CancellationToken ct, IReadOnlySet<Guid>? held = null)
    {
        IReadOnlyList<Subscriptions.Subscription> targets;
        if (onlyFor is not null)
        {
            targets = [onlyFor];
        }
        else
        {
            // Only those approved for this type are read (not every active webhook subscription for every event).
            var active = await session.Query<Subscriptions.Subscription>()
                .Where(s => s.Delivery == Subscriptions.DeliveryKind.Webhook && s.Status == Subscriptions.SubscriptionStatus.Active
                    && s.Scope!.EventTypes.Contains(type))
                .ToListAsync(ct);
            targets = active.Where(s => s.Scope is { } scope && scope.EventTypes.Contains(type) && county.StartsWith(scope.Region, StringComparison.Ordinal)
                && held?.Contains(s.Id) != true).ToList();
        }
        if (targets.Count == 0)
        {
            return 0;
        }
        var ids = targets.Select(s => WebhookDelivery.IdOf(s.Id, eventId)).ToArray();
        var existing = (await session.LoadManyAsync<WebhookDelivery>(ct, ids)).Select(d => d.Id).ToHashSet();
        var now = DateTimeOffset.UtcNow;
        var text = System.Text.Encoding.UTF8.GetString(body);
        var staged = 0;
        foreach (var subscription in targets)
        {
            var id = WebhookDelivery.IdOf(subscription.Id, eventId);
            if (existing.Contains(id))
            {
                continue;
            }
            session.Insert(new WebhookDelivery
            {
                Id = id, SubscriptionId = subscription.Id, EventId = eventId, EventType = type, Division = county, Body = text,
                Sequence = WebhookDelivery.NextSequence(), Status = DeliveryStatus.Pending, CreatedAt = now, NextAttemptAt = now,
                Replayed = replayed,
            });
            staged++;
        }
        return staged;
    }
}
