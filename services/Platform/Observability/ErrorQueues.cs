using System.Text;
using System.Text.Json;
using JiaoLianTi.Platform.Messaging;
using RabbitMQ.Client;

namespace JiaoLianTi.Platform.Observability;

/// <summary>
/// A message MassTransit parked in <c>{queue}_error</c> after its retries, as an operator sees it: its type, id, the
/// first error (exception type and message, cut to 300 characters), when it failed and how often it was tried. Never
/// its body: the payload may name a child.
/// </summary>
public sealed record FailedMessage(
    Guid? MessageId, string MessageType, string ErrorType, string FirstError, DateTimeOffset? FailedAt, int Attempts,
    string? Consumer, bool Redelivered);

/// <summary>
/// Reads and mends a service's error queue over AMQP: lists without taking (basic.get unacknowledged, then the
/// channel is closed and RabbitMQ puts every message back in place), retries (republished to the service's own queue
/// with its MessageId and a broker confirm, then acknowledged in the error queue: at least once, and the idempotency
/// filter makes it applied once), discards (acknowledged, gone).
/// </summary>
public sealed class ErrorQueues(BrokerAddress address)
{
    private const int MaxScan = 10_000;

    public static string ErrorQueueOf(string queue) => $"{queue}_error";

    public static Task<IConnection> ConnectAsync(BrokerAddress address, string name, CancellationToken ct) =>
        new ConnectionFactory
        {
            HostName = address.Host, Port = address.Port, VirtualHost = address.VirtualHost,
            UserName = address.Username, Password = address.Password, ClientProvidedName = name,
        }.CreateConnectionAsync(ct);

    public async Task<(long Count, IReadOnlyList<FailedMessage> Messages)> ListAsync(string queue, int limit, CancellationToken ct)
    {
        await using var connection = await ConnectAsync(address, "jlt-ops-errors", ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        if (await CountAsync(channel, ErrorQueueOf(queue), ct) is not { } count)
        {
            return (0, []);
        }
        var messages = new List<FailedMessage>();
        while (messages.Count < limit && await channel.BasicGetAsync(ErrorQueueOf(queue), autoAck: false, ct) is { } got)
        {
            messages.Add(Describe(got));
        }
        // Closing the channel returns everything taken, unacknowledged, to the error queue.
        await channel.CloseAsync(ct);
        return (count, messages);
    }

    /// <summary>Moves the message (or, with <paramref name="messageId"/> null, every message) back to the queue.</summary>
    public Task<IReadOnlyList<FailedMessage>> RetryAsync(string queue, Guid? messageId, string by, CancellationToken ct) =>
        TakeAsync(queue, messageId, async (channel, got) =>
        {
            var properties = new BasicProperties(got.BasicProperties)
            {
                Headers = got.BasicProperties.Headers?
                    .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key != "MT-Reason")
                    .ToDictionary(h => h.Key, h => h.Value) ?? [],
            };
            properties.Headers["jlt-retried-by"] = by;
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, got.Body, ct);
        }, ct);

    public Task<IReadOnlyList<FailedMessage>> DiscardAsync(string queue, Guid messageId, CancellationToken ct) =>
        TakeAsync(queue, messageId, (_, _) => Task.CompletedTask, ct);

    private async Task<IReadOnlyList<FailedMessage>> TakeAsync(
        string queue, Guid? messageId, Func<IChannel, BasicGetResult, Task> act, CancellationToken ct)
    {
        await using var connection = await ConnectAsync(address, "jlt-ops-errors", ct);
        // Confirms on: a retried message is acknowledged in the error queue only once the broker holds its copy.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var taken = new List<FailedMessage>();
        if (await CountAsync(channel, ErrorQueueOf(queue), ct) is null)
        {
            return taken;
        }
        for (var scanned = 0; scanned < MaxScan; scanned++)
        {
            if (await channel.BasicGetAsync(ErrorQueueOf(queue), autoAck: false, ct) is not { } got)
            {
                break;
            }
            var message = Describe(got);
            if (messageId is not null && message.MessageId != messageId)
            {
                continue; // left unacknowledged: back in place when the channel closes
            }
            await act(channel, got);
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, ct);
            taken.Add(message);
            if (messageId is not null)
            {
                break;
            }
        }
        await channel.CloseAsync(ct);
        return taken;
    }

    private static async Task<long?> CountAsync(IChannel channel, string queue, CancellationToken ct)
    {
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null; // no error queue yet: nothing ever failed
        }
    }

    internal static FailedMessage Describe(BasicGetResult got)
    {
        var headers = got.BasicProperties.Headers ?? new Dictionary<string, object?>();
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => value.ToString(),
        } : null;
        var error = Header("MT-Fault-Message") ?? "";
        var retries = int.TryParse(Header("MT-Fault-RetryCount"), out var r) ? r : 0;
        var failedAt = DateTimeOffset.TryParse(Header("MT-Fault-Timestamp"), out var at) ? at : (DateTimeOffset?)null;
        return new FailedMessage(
            Guid.TryParse(got.BasicProperties.MessageId, out var id) ? id : null,
            MessageTypeOf(got.Body.Span, Header("MT-Fault-MessageType")),
            Header("MT-Fault-ExceptionType") ?? "",
            error.Length > 300 ? error[..300] + "…" : error,
            failedAt,
            retries + 1,
            ShortType(Header("MT-Fault-ConsumerType")),
            got.Redelivered);
    }

    /// <summary>The contract's name from the envelope's <c>messageType</c> (<c>urn:message:Ns:Type</c>); the body is not kept.</summary>
    private static string MessageTypeOf(ReadOnlySpan<byte> body, string? header)
    {
        var urn = header;
        try
        {
            var reader = new Utf8JsonReader(body);
            while (urn is null && reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("messageType"))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        urn = reader.GetString();
                    }
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth > 0)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not a MassTransit envelope: the type stays unknown.
        }
        return urn is null ? "unknown" : urn[(urn.LastIndexOfAny([':', '.']) + 1)..];
    }

    private static string? ShortType(string? type) => type?.Split(',')[0].Split('.')[^1];
}
