using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// One shape for durations in every body: a <see cref="TimeSpan"/> travels as <c>&lt;name&gt;Minutes</c>, a number of
/// minutes (as requests already say <c>durationMinutes</c>, <c>minutes</c>), never as .NET's <c>"00:45:00"</c>. Applied
/// to HTTP bodies only (the event store keeps its own serialisation).
/// </summary>
public static class Durations
{
    public static void InMinutes(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(TimeSpan))
            {
                property.Name += "Minutes";
                property.CustomConverter = new MinutesConverter();
            }
            else if (property.PropertyType == typeof(TimeSpan?))
            {
                property.Name += "Minutes";
                property.CustomConverter = new NullableMinutesConverter();
            }
        }
    }

    private sealed class MinutesConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromMinutes(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(Math.Round((decimal)value.TotalMinutes, 2));
    }

    private sealed class NullableMinutesConverter : JsonConverter<TimeSpan?>
    {
        public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : TimeSpan.FromMinutes(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
        {
            if (value is { } v) writer.WriteNumberValue(Math.Round((decimal)v.TotalMinutes, 2));
            else writer.WriteNullValue();
        }
    }
}
