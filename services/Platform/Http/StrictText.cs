using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// What PostgreSQL cannot store or a handler does not expect is refused as the body is read, with the field named:
/// a NUL character in any string, and a <c>null</c> inside an array (<c>units: [null]</c>). It runs when each object
/// of our own types has been read, so nested objects and arrays of objects are covered without per-endpoint code.
/// </summary>
public static class StrictText
{
    /// <summary>A field of the body refused as it was read; <see cref="Field"/> is relative to the exception's path.</summary>
    public sealed class FieldRefused(string field, string message) : JsonException(message)
    {
        public string Field { get; } = field;
    }

    public static void RefuseNulAndNullElements(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || type.Type.Namespace?.StartsWith("JiaoLianTi", StringComparison.Ordinal) != true)
        {
            return;
        }
        var properties = type.Properties.Where(p => p.Get is not null
                && (p.PropertyType == typeof(string) || (p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
                    && !typeof(IDictionary).IsAssignableFrom(p.PropertyType))))
            .ToArray();
        if (properties.Length == 0)
        {
            return;
        }
        var previous = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            previous?.Invoke(value);
            foreach (var property in properties)
            {
                switch (property.Get!(value))
                {
                    case string text when text.Contains('\0'):
                        throw new FieldRefused(property.Name, "含有无法保存的字符（NUL）/ contains a character that cannot be stored (NUL)");
                    case IEnumerable items and not string:
                        var i = 0;
                        foreach (var item in items)
                        {
                            if (item is null)
                            {
                                throw new FieldRefused($"{property.Name}[{i}]", "数组中不能有 null / an array may not hold null");
                            }
                            if (item is string s && s.Contains('\0'))
                            {
                                throw new FieldRefused($"{property.Name}[{i}]", "含有无法保存的字符（NUL）/ contains a character that cannot be stored (NUL)");
                            }
                            i++;
                        }
                        break;
                }
            }
        };
    }

    /// <summary>True when text holds a character PostgreSQL's text cannot store.</summary>
    public static bool HasNul(string? text) => text?.Contains('\0') == true;
}
