using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace JiaoLianTi.Subscriptions.Relay;

/// <summary>
/// What a department receives: a CloudEvents 1.0 event in structured JSON mode, the same on a queue and in a webhook.
/// <c>id</c> is the event's id in its owning service (= the MessageId of its live publish), so a redelivery or a replay
/// of one event always carries the same id; <c>type</c> is its name in the event catalogue; <c>jltdivision</c> the
/// county (6 digits) it was routed by; <c>data</c> the contract (opaque ids only).
/// </summary>
public static class CloudEvents
{
    public const string ContentType = "application/cloudevents+json; charset=utf-8";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Build(Guid id, string type, string service, DateTimeOffset time, string division, JsonNode? data)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id.ToString(),
            ["source"] = $"/jiaolianti/{service}",
            ["type"] = type,
            ["time"] = time.ToUniversalTime().ToString("O"),
            ["datacontenttype"] = "application/json",
            ["jltdivision"] = division,
            ["data"] = data,
        };
        return JsonSerializer.SerializeToUtf8Bytes(cloudEvent, Json);
    }

    public static JsonNode? Data(object contract) => JsonSerializer.SerializeToNode(contract, contract.GetType(), Json);
}
