using JiaoLianTi.Platform.Messaging;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JiaoLianTi.Subscriptions.Relay;

/// <summary>
/// 中继队列: the queue every integration event of the five services reaches the relay on, and how the relay takes
/// many messages at once yet keeps each stream's order.
/// <list type="bullet">
/// <item>Partitioned by stream: a message goes to the partition of its <c>jlt-stream-id</c> header (the owner's event
/// stream, <see cref="IntegrationEventPublisher.StreamHeader"/>), ahead of the retries, the idempotency filter and the
/// consumer, so one stream's events are relayed one after another (each committed before the next begins), in the
/// order of the queue, which is the stream's order (a publisher sends a stream's events one after another, each
/// confirmed), while other streams run beside it (<c>Relay:Partitions</c>, 32; <c>Messaging:PrefetchCount</c>, 64).
/// A message without the header (an older publisher's, or one sent by hand) goes to one partition of its own
/// (<see cref="Unkeyed"/>): such messages keep the order they had when the relay took one at a time.</item>
/// <item>Single active consumer (<c>x-single-active-consumer</c>): of several replicas one consumes; the broker hands the
/// queue to another when it goes. Two replicas taking one stream's events side by side would relay them in either order.</item>
/// <item>The queue was <c>subscriptions</c>, declared without that argument, which the broker refuses to add to an
/// existing queue: the queue is now <see cref="Name"/>, bound the same way. A <c>subscriptions</c> queue left by an
/// earlier version is drained first (<see cref="RelayDrain"/>): it is cut from the exchanges, consumed to its end,
/// and only then does the relay take anything from the new queue, which by then holds every event published since it
/// was bound (those both queues got are applied once: same message id).</item>
/// </list>
/// </summary>
public static class RelayQueue
{
    public const string Name = "subscriptions-relay";

    /// <summary>The queue of the earlier layout (one consumer at a time by prefetch 1, no single-active-consumer argument).</summary>
    public const string Previous = SubscriptionsService.Name;

    /// <summary>The partition key of a message without the stream header: one partition for them all.</summary>
    public static readonly Guid Unkeyed = Guid.Empty;

    public static Guid StreamOf(ConsumeContext context) =>
        context.Headers.Get<string>(IntegrationEventPublisher.StreamHeader) is { } text && Guid.TryParse(text, out var stream)
            ? stream
            : Unkeyed;

    public static ServiceQueue Options(IConfiguration configuration) => new()
    {
        Name = Name,
        SingleActiveConsumer = true,
        Previous = [Previous],
        Configure = (context, endpoint, previous) =>
        {
            var drain = context.GetRequiredService<RelayDrain>();
            var logger = context.GetRequiredService<ILogger<DeliveryOrder>>();
            if (previous is null)
            {
                // Nothing from the new queue until a previous one is drained (at once when there is none).
                endpoint.UseFilter(new DrainGate(drain));
            }
            else
            {
                drain.Add(previous);
                endpoint.UseFilter(new InFlight(drain));
            }
            // MassTransit builds this part of the pipe once per message type: one partitioner for them all, so that a
            // stream's events of different types share a partition.
            var partitioner = endpoint.CreatePartitioner(Math.Max(1, configuration.GetValue("Relay:Partitions", 32)));
            endpoint.UseFilter(new DeliveryOrder(logger));
            ((IPipeConfigurator<ConsumeContext>)endpoint).UsePartitioner(partitioner, StreamOf);
            endpoint.UseFilter(new RetryInPartition());
        },
    };

    /// <summary>
    /// Lets each delivery into the partitions in the order the broker delivered it (its delivery tag): MassTransit
    /// hands each delivery to the pipe on a task of its own, so two events of a stream delivered one after the other
    /// could otherwise reach their partition in either order. A delivery waits for the one before it to have taken its
    /// place in its partition's queue (FIFO), at most <see cref="Gap"/> (a delivery that never reaches the pipe, such
    /// as one that could not be read, must not hold the others up).
    /// </summary>
    public sealed class DeliveryOrder(ILogger<DeliveryOrder> logger) : IFilter<ConsumeContext>
    {
        public static readonly TimeSpan Gap = TimeSpan.FromSeconds(1);

        private readonly Lock gate = new();
        private readonly Dictionary<ulong, TaskCompletionSource> waiting = [];
        private string? consumer;
        private ulong next = 1;

        public async Task Send(ConsumeContext context, IPipe<ConsumeContext> pipe)
        {
            if (!context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery))
            {
                await pipe.Send(context);
                return;
            }
            var tag = delivery.DeliveryTag;
            TaskCompletionSource? turn = null;
            lock (gate)
            {
                if (consumer != delivery.ConsumerTag)
                {
                    // A new channel (a reconnection, or this replica became the active consumer): tags start at 1 again.
                    consumer = delivery.ConsumerTag;
                    next = 1;
                    foreach (var stale in waiting.Values)
                    {
                        stale.TrySetResult();
                    }
                    waiting.Clear();
                }
                if (tag > next)
                {
                    turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    waiting[tag] = turn;
                }
            }
            if (turn is not null && await Task.WhenAny(turn.Task, Task.Delay(Gap, context.CancellationToken)) != turn.Task)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                lock (gate)
                {
                    waiting.Remove(tag);
                    if (next < tag)
                    {
                        logger.LogWarning("Delivery {Tag} waited {Gap} for {Next}, which did not come; going on", tag, Gap, next);
                        next = tag;
                    }
                }
            }
            Task sent;
            try
            {
                // Runs synchronously until the delivery waits in (or enters) its partition.
                sent = pipe.Send(context);
            }
            finally
            {
                lock (gate)
                {
                    if (tag >= next && consumer == delivery.ConsumerTag)
                    {
                        next = tag + 1;
                        if (waiting.Remove(next, out var following))
                        {
                            following.TrySetResult();
                        }
                    }
                }
            }
            await sent;
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("relay-delivery-order");
    }

    /// <summary>
    /// The retries inside the partition (50 ms, 250 ms, 1 s, 5 s, as the service's own): MassTransit's retry runs
    /// outside it, and between its attempts the next event of the stream would go first.
    /// </summary>
    private sealed class RetryInPartition : IFilter<ConsumeContext>
    {
        private static readonly TimeSpan[] Intervals =
            [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

        public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await next.Send(context);
                    return;
                }
                catch (Exception e) when (attempt < Intervals.Length && e is not (OperationCanceledException or Platform.Http.RuleViolation)
                    && !context.CancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(Intervals[attempt], context.CancellationToken);
                }
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("relay-retry-in-partition");
    }

    private sealed class DrainGate(RelayDrain drain) : IFilter<ConsumeContext>
    {
        public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
        {
            await drain.Drained.WaitAsync(context.CancellationToken);
            await next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("relay-drain-gate");
    }

    private sealed class InFlight(RelayDrain drain) : IFilter<ConsumeContext>
    {
        public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
        {
            Interlocked.Increment(ref drain.InFlight);
            try
            {
                await next.Send(context);
            }
            finally
            {
                Interlocked.Decrement(ref drain.InFlight);
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("relay-previous-in-flight");
    }
}

/// <summary>
/// Drains the relay's queue of an earlier layout before the relay takes anything from its own (<see cref="RelayQueue"/>):
/// once the bus has started (the new queue exists and is bound), the old queue's exchange is deleted (no event reaches
/// it any more; every one since reaches the new queue), then its messages are relayed to the end (ready: 0, none in
/// flight here, twice in a row), and the gate opens. The empty old queue stays, unbound (an operator may delete it).
/// During that upgrade run one replica, or stop those of the earlier version first: another replica's message in
/// flight from the old queue is not seen here.
/// </summary>
public sealed class RelayDrain(BrokerAddress broker, ILogger<RelayDrain> logger) : BackgroundService
{
    private readonly List<string> queues = [];
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    internal int InFlight;

    /// <summary>Completes once no previous queue holds anything.</summary>
    public Task Drained => drained.Task;

    internal void Add(string queue)
    {
        lock (queues)
        {
            queues.Add(queue);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Started after MassTransit's hosted service, which waits until the bus (and every queue and binding) is up.
        string[] previous;
        lock (queues)
        {
            previous = [.. queues];
        }
        if (previous.Length == 0)
        {
            drained.TrySetResult();
            return;
        }
        var factory = new ConnectionFactory
        {
            HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost,
            UserName = broker.Username, Password = broker.Password,
        };
        var empty = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken);
                uint ready = 0;
                foreach (var queue in previous)
                {
                    await using (var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken))
                    {
                        // The exchange of the old endpoint (MassTransit's: named after its queue) carries every binding to it.
                        await channel.ExchangeDeleteAsync(queue, ifUnused: false, cancellationToken: stoppingToken);
                    }
                    ready += await Ready(connection, queue, stoppingToken);
                }
                empty = ready == 0 && Volatile.Read(ref InFlight) == 0 ? empty + 1 : 0;
                if (empty >= 2)
                {
                    logger.LogInformation("The relay's previous queue {Queues} is drained: relaying from {Queue}",
                        string.Join(", ", previous), RelayQueue.Name);
                    drained.TrySetResult();
                    return;
                }
                logger.LogInformation("Draining the relay's previous queue {Queues}: {Ready} ready, {InFlight} in flight",
                    string.Join(", ", previous), ready, Volatile.Read(ref InFlight));
            }
            catch (Exception e) when (e is OperationInterruptedException or BrokerUnreachableException or IOException)
            {
                logger.LogWarning(e, "Draining the relay's previous queue: the broker did not answer; trying again");
                empty = 0;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
        }
    }

    /// <summary>The messages ready in a queue; 0 once it is gone (an operator deleted it).</summary>
    private static async Task<uint> Ready(IConnection connection, string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }
}
