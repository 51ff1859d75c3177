using System.Security.Cryptography;
using System.Text.RegularExpressions;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JiaoLianTi.Subscriptions.Subscriptions;
using Marten;
using Marten.Subscriptions;
using Polly;
using Polly.Retry;

namespace JiaoLianTi.Subscriptions.Broker;

/// <summary>What the broker holds for a subscription, as the provisioner last made it.</summary>
public sealed class BrokerState
{
    public Guid Id { get; set; }
    /// <summary>The subscription's stream version the broker now reflects.</summary>
    public long Version { get; set; }
    public SubscriptionStatus Status { get; set; }
    public List<string> Bindings { get; set; } = [];
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// Makes the broker match each AMQP subscription (a Marten subscription on the subscriptions' streams, so nothing
/// decided is left undone: a step that fails is retried until the broker answers). Approved or resumed: its durable
/// queue, its own user allowed to read that queue and nothing else (configure and write <c>^$</c>), and one binding to
/// <c>jlt.departments</c> per approved type for its region. Paused: no bindings. Revoked: the user (and its open
/// connections) and the queue removed. It works from the subscription's current document, so it converges whatever
/// order the steps came in. Then it records <see cref="BrokerState"/>, which the API shows as <c>broker</c>.
/// </summary>
public sealed class BrokerProvisioner : SubscriptionBase
{
    private readonly BrokerAdmin admin;
    private readonly ILogger<BrokerProvisioner> logger;
    private readonly ResiliencePipeline retry;

    public BrokerProvisioner(BrokerAdmin admin, ILogger<BrokerProvisioner> logger)
    {
        this.admin = admin;
        this.logger = logger;
        Name = "broker-provisioning";
        IncludeType<SubscriptionApproved>();
        IncludeType<SubscriptionPaused>();
        IncludeType<SubscriptionResumed>();
        IncludeType<SubscriptionRevoked>();
        IncludeType<SubscriptionRequested>();
        retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception, "Provisioning on the broker failed (attempt {Attempt}); retrying", args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        foreach (var id in page.Events.Select(e => e.StreamId).Distinct())
        {
            var subscription = await operations.LoadAsync<Subscription>(id, ct);
            if (subscription is null)
            {
                continue;
            }
            var bindings = await retry.ExecuteAsync(async token => await Converge(admin, subscription, token), ct);
            operations.Store(new BrokerState
            {
                Id = id, Version = subscription.Version, Status = subscription.Status, Bindings = [.. bindings], At = DateTimeOffset.UtcNow,
            });
        }
        return NullChangeListener.Instance;
    }

    /// <summary>Makes the broker hold what the subscription's state says; returns its bindings.</summary>
    public static async Task<IReadOnlyList<string>> Converge(BrokerAdmin admin, Subscription subscription, CancellationToken ct)
    {
        if (subscription.Delivery != DeliveryKind.Amqp)
        {
            return [];
        }
        switch (subscription.Status)
        {
            case SubscriptionStatus.Active or SubscriptionStatus.Paused when subscription.Scope is { } scope:
                await admin.DeclareTopicExchange(DepartmentExchange.Name, ct);
                await admin.DeclareQueue(subscription.QueueName, ct);
                if (!await admin.UserExists(subscription.BrokerUser, ct))
                {
                    // Nobody knows this password: the subscriber sets its own through POST …/credentials.
                    await admin.PutUser(subscription.BrokerUser, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), ct);
                }
                await admin.SetPermissions(subscription.BrokerUser, "^$", "^$", $"^{Regex.Escape(subscription.QueueName)}$", ct);
                IReadOnlyList<string> wanted = subscription.Status == SubscriptionStatus.Active ? LiveBindings(scope) : [];
                return await Rebind(admin, subscription.QueueName, wanted, ct);
            case SubscriptionStatus.Revoked:
                await admin.DeleteUser(subscription.BrokerUser, ct);
                await admin.DeleteQueue(subscription.QueueName, ct);
                return [];
            default:
                return [];
        }
    }

    public static IReadOnlyList<string> LiveBindings(SubscriptionScope scope) =>
        scope.EventTypes.Select(t => DepartmentExchange.BindingKey(t, scope.Region)).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Binds what is wanted and not bound, then unbinds what is bound and not wanted (no gap for what stays).</summary>
    public static async Task<IReadOnlyList<string>> Rebind(BrokerAdmin admin, string queue, IReadOnlyList<string> wanted, CancellationToken ct)
    {
        var current = await admin.Bindings(DepartmentExchange.Name, queue, ct);
        foreach (var key in wanted.Except(current))
        {
            await admin.Bind(DepartmentExchange.Name, queue, key, ct);
        }
        foreach (var key in current.Except(wanted))
        {
            await admin.Unbind(DepartmentExchange.Name, queue, key, ct);
        }
        return wanted;
    }
}
