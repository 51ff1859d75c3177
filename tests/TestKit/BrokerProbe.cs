using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace JiaoLianTi.TestKit;

/// <summary>
/// What a departmental system does to hear a service's contracts: a queue of its own bound to each contract's exchange
/// (MassTransit names it after the message type, <c>Namespace:Name</c>, fanout) on the test system's broker. Here the
/// queue is temporary; a real subscriber declares a durable one. Everything taken from the queue stays in
/// <see cref="Received"/>.
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    /// <summary>One message as it arrived: its contract's name, the contract inside MassTransit's envelope, the raw text.</summary>
    public sealed record Delivery(string Type, JsonElement Message, string Raw);

    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly string queue;
    private readonly List<Delivery> received = [];

    private BrokerProbe(IConnection connection, IChannel channel, string queue)
    {
        this.connection = connection;
        this.channel = channel;
        this.queue = queue;
    }

    /// <summary>Everything taken from the queue so far, in order of arrival.</summary>
    public IReadOnlyList<Delivery> Received => received;

    public static async Task<BrokerProbe> BindAsync(TestSystem system, params Type[] contracts)
    {
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")) };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var contract in contracts)
        {
            var exchange = $"{contract.Namespace}:{contract.Name}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, "");
        }
        return new BrokerProbe(connection, channel, queue);
    }

    /// <summary>The first message from now on (the contract inside its envelope) that satisfies <paramref name="match"/>;
    /// null if none came within the time.</summary>
    public async Task<JsonElement?> WaitFor(Func<JsonElement, bool> match, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var next = await TakeAsync();
            if (next is null)
            {
                await Task.Delay(100);
                continue;
            }
            if (match(next.Message))
            {
                return next.Message;
            }
        }
        return null;
    }

    /// <summary>Takes messages until what has been received satisfies <paramref name="done"/> or the time passes; returns
    /// all received.</summary>
    public Task<IReadOnlyList<Delivery>> Until(Func<IReadOnlyList<Delivery>, bool> done, TimeSpan? within = null) =>
        Eventually.Until(async () =>
        {
            while (await TakeAsync() is not null)
            {
            }
            return Received;
        }, done, within);

    private async Task<Delivery?> TakeAsync()
    {
        var got = await channel.BasicGetAsync(queue, autoAck: true);
        if (got is null)
        {
            return null;
        }
        var raw = Encoding.UTF8.GetString(got.Body.Span);
        var envelope = JsonDocument.Parse(raw).RootElement;
        var delivery = new Delivery(envelope.GetProperty("messageType")[0].GetString()!.Split(':')[^1],
            envelope.GetProperty("message").Clone(), raw);
        received.Add(delivery);
        return delivery;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
