using JiaoLianTi.Platform.Messaging;
using RabbitMQ.Client;

namespace JiaoLianTi.Subscriptions.Broker;

/// <summary>
/// 部门交换机: the topic exchange <c>jlt.departments</c> every AMQP subscription's queue is bound to. Its routing key
/// is <c>&lt;Type&gt;.&lt;province&gt;.&lt;city&gt;.&lt;county&gt;</c> (<c>HazardAssigned.51.5101.510104</c>), so the broker
/// itself lets only a subscription's approved types and region into its queue. Publishes wait for the broker's
/// confirm; a replayed event goes straight to one subscription's queue, with the same message id. The relay's
/// consumers publish side by side: a few channels (<c>Relay:Channels</c>, 8), each used by one publish at a time
/// (a confirm takes a disk write on the broker: one channel for all would make the relay wait for each in turn).
/// </summary>
public sealed class DepartmentExchange(BrokerAddress broker, IConfiguration configuration, ILogger<DepartmentExchange> logger) : IAsyncDisposable
{
    public const string Name = "jlt.departments";

    private readonly SemaphoreSlim connecting = new(1, 1);
    private readonly Slot[] slots = [.. Enumerable.Range(0, Math.Max(1, configuration.GetValue("Relay:Channels", 8))).Select(_ => new Slot())];
    private int next = -1;
    private IConnection? connection;
    private volatile bool disposed;

    private sealed class Slot
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public IChannel? Channel;
    }

    /// <summary>The routing key of an event of <paramref name="type"/> in county <paramref name="county"/> (6 digits).</summary>
    public static string RoutingKey(string type, string county) =>
        $"{type}.{county[..2]}.{county[..4]}.{county}";

    /// <summary>The binding that lets a type of a region (2, 4 or 6 digits) through.</summary>
    public static string BindingKey(string type, string region) => region.Length switch
    {
        2 => $"{type}.{region}.#",
        4 => $"{type}.{region[..2]}.{region}.#",
        _ => $"{type}.{region[..2]}.{region[..4]}.{region}",
    };

    public Task Publish(Guid messageId, string type, string county, ReadOnlyMemory<byte> cloudEvent, CancellationToken ct) =>
        Send(Name, RoutingKey(type, county), messageId, type, cloudEvent, ct);

    /// <summary>Straight into one queue (the default exchange routes by queue name): a replay.</summary>
    public Task SendToQueue(string queue, Guid messageId, string type, ReadOnlyMemory<byte> cloudEvent, CancellationToken ct) =>
        Send("", queue, messageId, type, cloudEvent, ct);

    private async Task Send(string exchange, string routingKey, Guid messageId, string type, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var properties = new BasicProperties
        {
            MessageId = messageId.ToString(),
            Type = type,
            ContentType = Relay.CloudEvents.ContentType,
            Persistent = true,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        var slot = slots[(int)((uint)Interlocked.Increment(ref next) % (uint)slots.Length)];
        await slot.Gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var open = await Channel(slot, ct);
            try
            {
                // With confirmation tracking this returns once the broker confirmed (or throws on a nack).
                await open.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Publishing {Type} {MessageId} to {Exchange} failed; reconnecting", type, messageId, exchange);
                await Close(slot);
                throw;
            }
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private async Task<IChannel> Channel(Slot slot, CancellationToken ct)
    {
        if (slot.Channel is { IsOpen: true } open)
        {
            return open;
        }
        await Close(slot);
        await connecting.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (connection is not { IsOpen: true })
            {
                if (connection is not null)
                {
                    await Dispose(connection);
                }
                var factory = new ConnectionFactory
                {
                    HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost,
                    UserName = broker.Username, Password = broker.Password,
                    AutomaticRecoveryEnabled = false,
                    ClientProvidedName = "subscriptions-department-exchange",
                };
                connection = await factory.CreateConnectionAsync(ct);
            }
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            await channel.ExchangeDeclareAsync(Name, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
            slot.Channel = channel;
            return channel;
        }
        finally
        {
            connecting.Release();
        }
    }

    private async Task Close(Slot slot)
    {
        if (slot.Channel is { } channel)
        {
            slot.Channel = null;
            await Dispose(channel);
        }
    }

    private async Task Dispose(IAsyncDisposable broken)
    {
        try
        {
            await broken.DisposeAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Closing a broken broker channel or connection failed");
        }
    }

    /// <summary>
    /// Closes the channels and the connection. The semaphores are not disposed: a publish waiting for one would wait
    /// for ever (a disposed SemaphoreSlim never releases its waiters), holding its message, and the idempotency
    /// filter's turn for that message id, while the service stops; it gets its turn and fails instead.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        disposed = true;
        foreach (var slot in slots)
        {
            await Close(slot);
        }
        if (connection is not null)
        {
            await Dispose(connection);
        }
    }
}
