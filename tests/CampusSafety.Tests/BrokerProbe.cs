using System.Text.Json;
using RabbitMQ.Client;

namespace JiaoLianTi.CampusSafety.Tests;

/// <summary>
/// What a departmental system does to hear CampusSafety's contracts: a queue of its own bound to the contract's
/// exchange (MassTransit names it after the message type, fanout) on the test system's broker. Here the queue is
/// temporary; a real subscriber declares a durable one.
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly string queue;

    private BrokerProbe(IConnection connection, IChannel channel, string queue)
    {
        this.connection = connection;
        this.channel = channel;
        this.queue = queue;
    }

    public static async Task<BrokerProbe> BindAsync(CampusSafetySystem system, Type contract)
    {
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")) };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = $"{contract.Namespace}:{contract.Name}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        return new BrokerProbe(connection, channel, queue);
    }

    /// <summary>The first message (the contract inside MassTransit's envelope) that satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement?> WaitFor(Func<JsonElement, bool> match, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var got = await channel.BasicGetAsync(queue, autoAck: true);
            if (got is null)
            {
                await Task.Delay(100);
                continue;
            }
            var message = JsonDocument.Parse(got.Body).RootElement.GetProperty("message").Clone();
            if (match(message))
            {
                return message;
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
