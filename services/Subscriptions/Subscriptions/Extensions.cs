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
        builder.Services.AddSingleton<WebhookTargets>();
        builder.AddEventStore(Database, options =>
            {
                options.Projections.Snapshot<Subscription>(SnapshotLifecycle.Inline);
                options.Schema.For<Subscription>().Index(s => s.Status).Index(s => s.Delivery);
                // The sender reads a subscription's pending deliveries in their order, the log a subscription's in order (one index).
                options.Schema.For<WebhookDelivery>().Index([d => d.SubscriptionId, d => d.Status, d => d.Sequence]);
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
        // The relay takes many messages at once, each stream's one after another (partitioned by the stream header, on
        // a single-active-consumer queue: RelayQueue). It took one at a time before (prefetch 1) to keep that order.
        if (builder.Configuration["Messaging:PrefetchCount"] is null)
        {
            builder.Configuration["Messaging:PrefetchCount"] = "64";
        }
        // As many at once as it takes: a delivery waiting for its stream's partition holds its place among them, so
        // the partitions (Relay:Partitions, 32) need more than the platform's 8 to run side by side.
        if (builder.Configuration[MessagingExtensions.ConcurrentMessageLimitKey] is null)
        {
            builder.Configuration[MessagingExtensions.ConcurrentMessageLimitKey] = "64";
        }
        builder.Services.AddSingleton<RelayDrain>();
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumers([.. EventCatalogue.Entries.Select(e => typeof(RelayConsumer<>).MakeGenericType(e.ContractType))]);
        }, RelayQueue.Options(builder.Configuration));
        // A group of relayed events enters the hand-over once (after the replica's reads, which need no lock).
        builder.Services.AddScoped<RelayReads>();
        builder.Services.AddScoped<IGroupReads>(services => services.GetRequiredService<RelayReads>());
        // After MassTransit's hosted service (which waits until the bus is up): drains a queue of the earlier layout.
        builder.Services.AddHostedService(services => services.GetRequiredService<RelayDrain>());
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
