using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// RabbitMQ drops a message published to an exchange no queue is bound to (docs/design.md 6). So a publisher holds its
/// first publish until the queue of every consuming service exists: each service declares its queue and bindings
/// before it reports started, and the queue outlives the process. The queues to wait for are
/// <c>Messaging:AwaitQueues</c> (the AppHost names all five services); with none configured the gate is open.
/// </summary>
public sealed class PublishingGate(BrokerAddress broker, IConfiguration configuration, ILogger<PublishingGate> logger)
{
    private readonly string[] queues = [.. (configuration["Messaging:AwaitQueues"] ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(service => QueueTypes.QueueName(service, QueueTypes.From(configuration).Quorum))];
    private volatile bool open;

    /// <summary>Whether publishing has been opened (or there is nothing to wait for).</summary>
    public bool IsOpen => open || queues.Length == 0;

    public async Task WaitAsync(CancellationToken ct)
    {
        if (open || queues.Length == 0)
        {
            return;
        }

        var factory = new ConnectionFactory
        {
            HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost,
            UserName = broker.Username, Password = broker.Password,
        };
        var waiting = DateTimeOffset.UtcNow;
        while (true)
        {
            var missing = await MissingQueues(factory, ct);
            if (missing.Count == 0)
            {
                open = true;
                logger.LogInformation("Publishing opened: consumer queues {Queues} exist", string.Join(", ", queues));
                return;
            }
            if (DateTimeOffset.UtcNow - waiting > TimeSpan.FromSeconds(10))
            {
                logger.LogWarning("Publishing waits for consumer queues {Missing} to be declared", string.Join(", ", missing));
                waiting = DateTimeOffset.UtcNow;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task<List<string>> MissingQueues(ConnectionFactory factory, CancellationToken ct)
    {
        var missing = new List<string>();
        try
        {
            await using var connection = await factory.CreateConnectionAsync(ct);
            foreach (var queue in queues)
            {
                // A passive declare of a missing queue closes its channel: one channel per question.
                await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
                try
                {
                    await channel.QueueDeclarePassiveAsync(queue, ct);
                }
                catch (OperationInterruptedException)
                {
                    missing.Add(queue);
                }
            }
        }
        catch (BrokerUnreachableException)
        {
            missing.AddRange(queues.Except(missing));
        }
        return missing;
    }
}
