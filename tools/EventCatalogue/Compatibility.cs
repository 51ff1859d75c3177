using System.Text.Json.Nodes;

namespace JiaoLianTi.EventCatalogue;

/// <summary>
/// 兼容性检查 What a subscriber relies on, compared between the committed catalogue and the contracts in the code: an
/// event that is gone, a field that is gone (removed or renamed), a field whose type (or format, or item type) changed,
/// a field that was always there and may now be missing. Breaking: such a change needs a new record (a new event name).
/// Additions (a new event, a new optional field, new descriptions) are not breaking.
/// </summary>
public static class Compatibility
{
    public sealed record Report(IReadOnlyList<string> Breaking, IReadOnlyList<string> Additions);

    public static Report Compare(JsonNode committed, JsonNode current)
    {
        var breaking = new List<string>();
        var additions = new List<string>();
        var before = Schemas(committed);
        var now = Schemas(current);
        foreach (var (name, old) in before)
        {
            if (!now.TryGetValue(name, out var schema))
            {
                breaking.Add($"{name}: the event is gone (removed or renamed)");
                continue;
            }
            var oldProperties = old["properties"]!.AsObject();
            var newProperties = schema["properties"]!.AsObject();
            foreach (var (field, oldType) in oldProperties)
            {
                if (newProperties[field] is not { } newType)
                {
                    breaking.Add($"{name}.{field}: the field is gone (removed or renamed)");
                }
                else if (Shape(oldType!) != Shape(newType))
                {
                    breaking.Add($"{name}.{field}: its type changed from {Shape(oldType!)} to {Shape(newType)}");
                }
            }
            var oldRequired = Required(old);
            foreach (var field in oldRequired.Except(Required(schema)).Where(f => newProperties.ContainsKey(f)))
            {
                breaking.Add($"{name}.{field}: it was always there and may now be missing");
            }
            foreach (var (field, _) in newProperties.Where(p => !oldProperties.ContainsKey(p.Key)))
            {
                additions.Add($"{name}.{field}: a new field");
            }
        }
        additions.AddRange(now.Keys.Except(before.Keys).Select(name => $"{name}: a new event"));
        return new Report(breaking, additions);
    }

    private static Dictionary<string, JsonNode> Schemas(JsonNode document) =>
        document["components"]!["schemas"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!);

    private static HashSet<string> Required(JsonNode schema) =>
        schema["required"]?.AsArray().Select(r => (string)r!).ToHashSet() ?? [];

    /// <summary>What of a field's schema a subscriber's parser depends on: type, format, pattern, item shape (not the words).</summary>
    private static string Shape(JsonNode schema)
    {
        var type = schema["type"] is JsonArray types
            ? string.Join("|", types.Select(t => (string)t!).Where(t => t != "null"))
            : (string?)schema["type"];
        var shape = type + (schema["format"] is { } f ? $"({f})" : "") + (schema["pattern"] is { } p ? $"/{p}/" : "");
        return schema["items"] is { } items ? $"{shape}[{Shape(items)}]" : shape;
    }
}
