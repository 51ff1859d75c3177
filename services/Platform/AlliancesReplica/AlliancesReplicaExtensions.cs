using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.AlliancesReplica;

/// <summary>
/// How a service keeps the replica of Alliances' facts in its own database: <see cref="AddAlliancesReplica(StoreOptions)"/>
/// in its event store's options, <see cref="AddAlliancesReplica(IBusRegistrationConfigurator)"/> among its consumers,
/// and <see cref="AddAllianceFactHook{TFact, THook}"/> for what it does when a fact is applied.
/// </summary>
public static class AlliancesReplicaExtensions
{
    public static StoreOptions AddAlliancesReplica(this StoreOptions options)
    {
        options.Schema.For<KnownUnit>().Index(u => u.Kind).Index(u => u.CountyCode).UseOptimisticConcurrency(true);
        options.Schema.For<KnownAlliance>().Index(a => a.CountyCode).UseOptimisticConcurrency(true);
        options.Schema.For<KnownMembership>().Index(m => m.UnitId).Index(m => m.AllianceId).UseOptimisticConcurrency(true);
        options.Schema.For<KnownResource>().Index(r => r.CountyCode).UseOptimisticConcurrency(true);
        return options;
    }

    public static IBusRegistrationConfigurator AddAlliancesReplica(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MemberUnitRegisteredConsumer>();
        bus.AddConsumer<AllianceEstablishedConsumer>();
        bus.AddConsumer<AllianceSuspendedConsumer>();
        bus.AddConsumer<AllianceReestablishedConsumer>();
        bus.AddConsumer<AllianceDissolvedConsumer>();
        bus.AddConsumer<MemberJoinedConsumer>();
        bus.AddConsumer<MemberLeftConsumer>();
        bus.AddConsumer<ResourcePublishedConsumer>();
        bus.AddConsumer<ResourceWithdrawnConsumer>();
        return bus;
    }

    /// <summary>Runs <typeparamref name="THook"/> each time the replica applies a <typeparamref name="TFact"/>.</summary>
    public static IServiceCollection AddAllianceFactHook<TFact, THook>(this IServiceCollection services)
        where TFact : class where THook : class, IAllianceFactHook<TFact> =>
        services.AddScoped<IAllianceFactHook<TFact>, THook>();
}
