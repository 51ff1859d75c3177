using JiaoLianTi.Platform.Observability;
using System.Collections.Concurrent;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// A bare service that keeps the replica of Alliances' facts, the way every service does (its own database, its own
/// queue, the idempotency filter), on the real PostgreSQL and RabbitMQ, with a hook that records what it was told.
/// </summary>
public sealed class ReplicaHost : IAsyncLifetime
{
    private IHost host = null!;
    public ConcurrentBag<Guid> Withdrawals { get; } = [];
    private readonly ConcurrentDictionary<Guid, int> consumed = new();

    /// <summary>The service's own database.</summary>
    public string ConnectionString { get; private set; } = "";

    public IDocumentStore Store => host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>The <c>service</c> tag of its instruments.</summary>
    public const string ServiceName = "replica";

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var name = $"replica{Guid.NewGuid():N}"[..20];
        var builder = Host.CreateApplicationBuilder();
        ConnectionString = await servers.CreateDatabaseAsync(name);
        builder.Configuration["ConnectionStrings:replicadb"] = ConnectionString;
        builder.Configuration["ConnectionStrings:rabbitmq"] = await servers.CreateVirtualHostAsync(name);
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddEventStore("replicadb", options => options.AddAlliancesReplica());
        builder.AddMessaging("replica", bus => bus.AddAlliancesReplica());
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton(TimeProvider.System);
        // The service's instruments, as AddOperations gives every service (the group commits record their sizes).
        builder.Services.AddSingleton(new OpsMetrics(ServiceName, new EventFlowSampler.Holder(), []));
        builder.Services.AddAllianceFactHook<ResourceWithdrawn, RecordWithdrawal>();
        host = builder.Build();
        await host.StartAsync();
        host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(new Counter(consumed));
    }

    public async Task DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>Publishes a fact as Alliances' publisher does (MessageId given), and returns when the service took it.</summary>
    public async Task Deliver<T>(T fact, Guid? messageId = null) where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        var before = consumed.GetValueOrDefault(id);
        await host.Services.GetRequiredService<IBus>().Publish(fact, context => context.MessageId = id);
        var seen = await Eventually.Until(() => Task.FromResult(consumed.GetValueOrDefault(id)), n => n > before);
        Assert.True(seen > before, $"{typeof(T).Name} {id} was not consumed");
    }

    /// <summary>Publishes all at once, so that they race on the queue's consumers, and returns when all were taken.</summary>
    public Task DeliverAll(IEnumerable<object> facts) => DeliverAll(facts.Select(fact => (fact, Guid.NewGuid())));

    /// <summary>The same, each fact under the MessageId given with it (one given before is a redelivery).</summary>
    public async Task DeliverAll(IEnumerable<(object Fact, Guid MessageId)> messages)
    {
        var bus = host.Services.GetRequiredService<IBus>();
        var ids = new List<Guid>();
        var sends = messages.Select(message =>
        {
            ids.Add(message.MessageId);
            return bus.Publish(message.Fact, message.Fact.GetType(), context => context.MessageId = message.MessageId);
        }).ToList();
        await Task.WhenAll(sends);
        foreach (var id in ids)
        {
            await Eventually.Until(async () =>
            {
                await using var session = Store.QuerySession();
                return await session.LoadAsync<ProcessedMessage>(id);
            }, m => m is not null);
        }
    }

    /// <summary>How many messages the service took (acknowledged), skipped duplicates included.</summary>
    public int Consumed(Guid messageId) => consumed.GetValueOrDefault(messageId);

    public async Task<T?> Load<T>(Guid id) where T : notnull
    {
        await using var session = Store.QuerySession();
        return await session.LoadAsync<T>(id);
    }

    public async Task<KnownMembership?> Membership(Guid alliance, Guid unit)
    {
        await using var session = Store.QuerySession();
        return await session.LoadAsync<KnownMembership>(KnownMembership.IdOf(alliance, unit));
    }

    public async Task<IReadOnlyList<Guid>> AlliancesOf(Guid unit)
    {
        await using var session = Store.QuerySession();
        return await session.AlliancesOfAsync(unit, CancellationToken.None);
    }

    private sealed class RecordWithdrawal(ReplicaHost host) : IAllianceFactHook<ResourceWithdrawn>
    {
        public Task AppliedAsync(ResourceWithdrawn fact, IDocumentSession session, CancellationToken ct)
        {
            host.Withdrawals.Add(fact.ResourceId);
            return Task.CompletedTask;
        }
    }

    /// <summary>Counts every message the service took, including those the idempotency filter skipped.</summary>
    private sealed class Counter(ConcurrentDictionary<Guid, int> consumed) : IConsumeObserver
    {
        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.MessageId is { } id)
            {
                consumed.AddOrUpdate(id, 1, (_, n) => n + 1);
            }
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaHost>
{
    public const string Name = "replica";
}
