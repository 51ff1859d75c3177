using JasperFx.Events.Projections;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Subscriptions.Broker;
using JiaoLianTi.Subscriptions.Catalogue;
using JiaoLianTi.Subscriptions.Relay;
using JiaoLianTi.Subscriptions.Subscriptions;
using JiaoLianTi.Subscriptions.Webhooks;
using Marten;
using MassTransit;

namespace JiaoLianTi.Subscriptions;

public static class SubscriptionsService
{
    public const string Name = "subscriptions";
    public const string Database = "subscriptionsdb";

    public static IHostApplicationBuilder AddSubscriptions(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        var signal = new WebhookSignal();
        builder.Services.AddSingleton(signal);
        builder.Services.AddSingleton<BrokerAdmin>();
        builder.Services.AddSingleton<DepartmentExchange>();
        builder.AddEventStore(Database, options =>
            {
                options.Projections.Snapshot<Subscription>(SnapshotLifecycle.Inline);
                options.Schema.For<Subscription>().Index(s => s.Status).Index(s => s.Delivery);
                options.Schema.For<WebhookDelivery>().Index(d => d.SubscriptionId).Index(d => d.Status).Index(d => d.Sequence);
                options.Schema.For<BrokerState>();
                options.Schema.For<Replay.ReplayHold>();
                options.Schema.For<Replay.HeldEvent>().Index(h => h.SubscriptionId);
                // Places the events that name only a school, unit or alliance in their county.
                options.AddAlliancesReplica();
                options.Listeners.Add(signal);
            })
            .AddSubscriptionWithServices<BrokerProvisioner>(ServiceLifetime.Singleton);
        // Alliances' facts update the replica inside the relay's consumer of the same message (one consumer per type,
        // so that the idempotency filter applies the message once).
        builder.Services.AddScoped<ReplicaConsumer<MemberUnitRegistered>, MemberUnitRegisteredConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<AllianceEstablished>, AllianceEstablishedConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<AllianceSuspended>, AllianceSuspendedConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<AllianceReestablished>, AllianceReestablishedConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<AllianceDissolved>, AllianceDissolvedConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<MemberJoined>, MemberJoinedConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<MemberLeft>, MemberLeftConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<ResourcePublished>, ResourcePublishedConsumer>();
        builder.Services.AddScoped<ReplicaConsumer<ResourceWithdrawn>, ResourceWithdrawnConsumer>();
        // The relay takes one message at a time, in the order of its queue (which is each stream's order: a service
        // publishes a stream's events one after another, each confirmed): a department receives each stream's events in
        // order. With the messaging default (32 side by side) two events of one alliance were relayed in either order,
        // live, held during a replay (released in arrival order) and sent straight to a queue being rebound
        // (ReplayRebindingTests). Messaging:PrefetchCount set explicitly wins (and gives up that order).
        if (builder.Configuration["Messaging:PrefetchCount"] is null)
        {
            builder.Configuration["Messaging:PrefetchCount"] = "1";
        }
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumers([.. EventCatalogue.Entries.Select(e => typeof(RelayConsumer<>).MakeGenericType(e.ContractType))]);
        });
        builder.Services.AddHostedService<WebhookSender>();
        builder.Services.AddSingleton<Replay.ReplayTokens>();
        builder.Services.AddHostedService<Replay.ReplayWorker>();
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/subscriptions</c>.</summary>
    public static WebApplication MapSubscriptionsApi(this WebApplication app)
    {
        app.MapSubscriptionEndpoints();
        return app;
    }
}
