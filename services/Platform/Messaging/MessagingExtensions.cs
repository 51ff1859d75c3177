using JasperFx.Events;
using MassTransit;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using JiaoLianTi.Platform.Observability;

namespace JiaoLianTi.Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>The AppHost's resource name of the broker.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>The setting of how many messages a replica applies at once (<see cref="DefaultConcurrentMessageLimit"/>).</summary>
    public const string ConcurrentMessageLimitKey = "Messaging:ConcurrentMessageLimit";

    /// <summary>
    /// How many messages a replica applies at once unless <see cref="ConcurrentMessageLimitKey"/> says otherwise (0: as
    /// many as it prefetches). It was the prefetch, 32: under load each of the five consuming services ran 32
    /// transactions side by side, PostgreSQL held 190 backends on 2 cores, and every burst opened dozens of new
    /// connections (a backend forked and a SCRAM handshake each). With 8: 91 backends at the peak, PostgreSQL's CPU per
    /// command 3.8 → 2.3–2.7 ms, and commands straight to Alliances 141–145 → 196–212 a second, the consumers keeping
    /// up (benchmarks/system.sh, docs/operations.md 数据库的开销). A replica's work per message is mostly CPU and a
    /// commit; more at once on a few cores only makes them wait on each other. A replica on more cores may raise it.
    /// </summary>
    public const int DefaultConcurrentMessageLimit = 8;

    /// <summary>
    /// MassTransit on RabbitMQ with this service's one durable queue, named after the service, which every consumer of
    /// the service shares (replicas compete on it). Every consumer runs behind <see cref="IdempotencyFilter{T}"/>, so a
    /// redelivered message is applied once; failed messages are retried by MassTransit and then parked in
    /// <c>{service}_error</c>, except those that failed because the service was stopping, which go back to the queue
    /// (<see cref="StoppingFilter"/>).
    /// <para>
    /// <c>Messaging:QueueType=quorum</c> (a RabbitMQ cluster; see <see cref="QueueTypes"/>) makes the queue a
    /// replicated quorum queue named <c>{service}-quorum</c>, with <c>Messaging:QuorumReplicas</c> copies (the
    /// broker's default when unset). A classic queue of the same service left by an earlier run keeps being consumed
    /// beside it until an operator deletes it once empty (docs/deploy.md): both are bound to the same exchanges,
    /// and the idempotency filter applies a message that reaches both once.
    /// </para>
    /// <c>Messaging:PrefetchCount</c> (default 32) bounds the messages a replica holds unacknowledged, and
    /// <c>Messaging:ConcurrentMessageLimit</c> (default 8, <see cref="DefaultConcurrentMessageLimit"/>) how many of them
    /// it applies at once in transactions of their own; facts committed in groups (<see cref="GroupCommit"/>) wait for
    /// their group without a place among those, so the endpoint then takes all it prefetches.
    /// <para>
    /// <paramref name="queue"/> changes the service's queue (its name, single active consumer, filters ahead of all
    /// the others, queues of an earlier layout to drain): see <see cref="ServiceQueue"/>.
    /// </para>
    /// </summary>
    public static IServiceCollection AddMessaging(
        this IHostApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? consumers = null,
        ServiceQueue? queue = null)
    {
        var broker = BrokerAddress.From(builder.Configuration);
        builder.Services.AddSingleton(broker);
        builder.Services.AddSingleton<PublishingGate>();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton(new OwnTransactions(
            builder.Configuration.GetValue(ConcurrentMessageLimitKey, DefaultConcurrentMessageLimit)));
        builder.Services.AddScoped<ConsumerCommitted>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<AlliancesReplica.ReplicaCommit>();
        builder.Services.AddScoped<AlliancesReplica.ReplicaReads>();
        builder.Services.AddScoped<IGroupReads>(services => services.GetRequiredService<AlliancesReplica.ReplicaReads>());
        // The queue gauges, the event-flow health and the error queue's retry look at the queue the service consumes.
        builder.AddOperations(serviceName, queue?.Name);
        builder.Services.AddMassTransit(bus =>
        {
            consumers?.Invoke(bus);
            var consumerTypes = builder.Services
                .Select(d => d.ServiceType)
                .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces()
                    .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>)))
                .Distinct()
                .ToList();
            // Whose consumers only stage (IStagesOnly): the idempotency filter checks their ids at commit.
            builder.Services.AddSingleton(StagesOnlyMessages.Of(consumerTypes));
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.Username);
                    host.Password(broker.Password);
                    host.PublisherConfirmation = true;
                });
                var queueType = QueueTypes.From(builder.Configuration);
                var prefetch = builder.Configuration.GetValue("Messaging:PrefetchCount", 32);
                var concurrency = builder.Configuration.GetValue(ConcurrentMessageLimitKey, DefaultConcurrentMessageLimit);
                var queueName = queue?.Name ?? serviceName;
                // A previous queue of the quorum layout is a quorum queue (declared as such again), or a classic one.
                var previous = (queue?.Previous ?? [])
                    .SelectMany(q => queueType.Quorum ? new[] { (Name: QueueTypes.QueueName(q, quorum: true), Quorum: true), (Name: q, Quorum: false) } : [(Name: q, Quorum: false)])
                    .Where(q => QueueTypes.ClassicQueueExists(broker, q.Name))
                    .ToList();
                void Consume(IRabbitMqReceiveEndpointConfigurator endpoint) => Configure(endpoint, everyConsumerByName: previous.Count > 0);
                void Configure(IRabbitMqReceiveEndpointConfigurator endpoint, bool everyConsumerByName, string? previousQueue = null)
                {
                    endpoint.PrefetchCount = prefetch;
                    if (concurrency > 0)
                    {
                        // With group commits the filter bounds the messages applied in transactions of their own
                        // (OwnTransactions), and the endpoint takes all it prefetches, so a group can hold more.
                        endpoint.ConcurrentMessageLimit = context.GetRequiredService<GroupCommit>().Enabled
                            ? Math.Max(concurrency, prefetch) : concurrency;
                    }
                    if (queue is not null)
                    {
                        // A previous queue keeps its arguments (the broker refuses to change them).
                        if (queue.SingleActiveConsumer && previousQueue is null)
                        {
                            endpoint.SingleActiveConsumer = true;
                        }
                        queue.Configure?.Invoke(context, endpoint, previousQueue);
                    }
                    endpoint.UseFilter(new StoppingFilter(context.GetRequiredService<IHostApplicationLifetime>()));
                    endpoint.UseMessageRetry(retry =>
                    {
                        retry.Intervals(50, 250, 1000, 5000);
                        retry.Ignore<Http.RuleViolation>();
                    });
                    endpoint.UseConsumeFilter(typeof(IdempotencyFilter<>), context);
                    if (!everyConsumerByName)
                    {
                        endpoint.ConfigureConsumers(context);
                        return;
                    }
                    // Two endpoints with the same consumers: ConfigureConsumers leaves out those another endpoint
                    // names (their messages would be moved to {queue}_skipped), so each endpoint names every one.
                    foreach (var consumer in consumerTypes)
                    {
                        endpoint.ConfigureConsumer(context, consumer);
                    }
                }
                if (queueType.Quorum)
                {
                    rabbit.ReceiveEndpoint(QueueTypes.QueueName(queueName, quorum: true), endpoint =>
                    {
                        endpoint.SetQuorumQueue(queueType.Replicas);
                        Configure(endpoint, everyConsumerByName: true);
                    });
                    if (QueueTypes.ClassicQueueExists(broker, queueName))
                    {
                        // The safe path from classic: drain what the old queue holds, beside the new one.
                        rabbit.ReceiveEndpoint(queueName, endpoint => Configure(endpoint, everyConsumerByName: true));
                    }
                }
                else
                {
                    rabbit.ReceiveEndpoint(queueName, Consume);
                }
                foreach (var old in previous)
                {
                    // Drained, not fed: no binding is added (ServiceQueue.Configure removes those it has).
                    rabbit.ReceiveEndpoint(old.Name, endpoint =>
                    {
                        if (old.Quorum)
                        {
                            endpoint.SetQuorumQueue(queueType.Replicas);
                        }
                        endpoint.ConfigureConsumeTopology = false;
                        Configure(endpoint, everyConsumerByName: true, previousQueue: old.Name);
                    });
                }
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // The service is not started (nor healthy) until its queue and bindings exist.
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(15);
        });
        return builder.Services;
    }

    /// <summary>
    /// Publishes the service's integration events from its event store (docs/design.md 4): <paramref name="map"/> turns an
    /// internal event into its contract, or null for events that stay inside.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression PublishIntegrationEvents(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IIntegrationEventMap map)
    {
        marten.Services.AddSingleton(map);
        marten.Services.TryAddSingleton(TimeProvider.System);
        marten.Services.AddSingleton<PublishOnCommit>();
        marten.Services.AddSingleton<IConfigureMarten, ListenForCommits>();
        marten.AddSubscriptionWithServices<IntegrationEventPublisher>(ServiceLifetime.Singleton, options =>
        {
            foreach (var type in map.EventTypes)
            {
                options.IncludeType(type);
            }
        });
        return marten;
    }
}

/// <summary>
/// A service queue other than the default (<see cref="MessagingExtensions.AddMessaging"/>).
/// </summary>
public sealed class ServiceQueue
{
    /// <summary>The queue's name (<c>{name}-quorum</c> for a quorum queue) instead of the service's.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The queue is declared with <c>x-single-active-consumer</c>: of several replicas one consumes, the next takes over
    /// when it goes (the broker refuses to add that argument to an existing queue: give it a new <see cref="Name"/>).
    /// </summary>
    public bool SingleActiveConsumer { get; init; }

    /// <summary>
    /// Names of the queue in an earlier layout (as <see cref="Name"/>: with a quorum queue, <c>{name}-quorum</c> and a
    /// classic <c>{name}</c> left from before): each one that exists at start is consumed too (with every consumer,
    /// behind the same filters, its own arguments kept) and no binding is added to it, so that what it holds is drained.
    /// </summary>
    public IReadOnlyList<string> Previous { get; init; } = [];

    /// <summary>
    /// Runs first on each of the service's endpoints (with the queue's name if it is one of <see cref="Previous"/>,
    /// null for the service's queue), so the filters it adds come ahead of the stopping filter, the retries and the
    /// idempotency filter.
    /// </summary>
    public Action<IBusRegistrationContext, IRabbitMqReceiveEndpointConfigurator, string?>? Configure { get; init; }
}

/// <summary>
/// Which kind of queue each service consumes from: <c>Messaging:QueueType</c> = <c>classic</c> (default: one broker
/// node, as the run and test commands start) or <c>quorum</c> (replicated over a RabbitMQ cluster, as a province
/// runs; deploy/ sets it), with <c>Messaging:QuorumReplicas</c> copies.
/// </summary>
public sealed record QueueTypes(bool Quorum, int? Replicas)
{
    public static QueueTypes From(IConfiguration configuration)
    {
        var type = configuration["Messaging:QueueType"] ?? "classic";
        var quorum = type.ToLowerInvariant() switch
        {
            "classic" => false,
            "quorum" => true,
            _ => throw new InvalidOperationException($"Messaging:QueueType must be 'classic' or 'quorum', not '{type}'."),
        };
        return new QueueTypes(quorum, configuration.GetValue<int?>("Messaging:QuorumReplicas"));
    }

    /// <summary>A service's queue: its name, or <c>{name}-quorum</c> (a classic queue cannot become a quorum one).</summary>
    public static string QueueName(string service, bool quorum) => quorum ? $"{service}-quorum" : service;

    /// <summary>Whether a classic queue of this name is on the broker (a passive declare; quorum ones say so too).</summary>
    public static bool ClassicQueueExists(BrokerAddress broker, string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost,
            UserName = broker.Username, Password = broker.Password,
        };
        using var connection = factory.CreateConnectionAsync().GetAwaiter().GetResult();
        using var channel = connection.CreateChannelAsync().GetAwaiter().GetResult();
        try
        {
            channel.QueueDeclarePassiveAsync(queue).GetAwaiter().GetResult();
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }
}

/// <summary>Turns a committed internal event into the integration event that leaves the service, or null.</summary>
public interface IIntegrationEventMap
{
    object? ToIntegrationEvent(IEvent @event);

    /// <summary>
    /// The internal event types <see cref="ToIntegrationEvent"/> can turn into a contract: the publisher's subscription
    /// reads only these from the store (the rest never leave the database), so a busy service's internal facts do
    /// not queue its integration events behind them (issue 20). Resilience.Tests checks every type the map turns into
    /// a contract is listed.
    /// </summary>
    IReadOnlyCollection<Type> EventTypes { get; }
}

/// <summary>The broker, read from the <c>rabbitmq</c> connection string (amqp://user:password@host:port/vhost).</summary>
public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static BrokerAddress From(IConfiguration configuration)
    {
        var text = configuration.GetConnectionString(MessagingExtensions.BrokerConnectionName)
            ?? throw new InvalidOperationException(
                "ConnectionStrings:rabbitmq is not set. The AppHost sets it; outside it, set ConnectionStrings__rabbitmq.");
        var uri = new Uri(text);
        var user = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new BrokerAddress(
            uri.Host,
            (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port),
            string.IsNullOrEmpty(vhost) ? "/" : vhost,
            user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest",
            user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest");
    }
}
