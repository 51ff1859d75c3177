using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using JiaoLianTi.Platform.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// Enums are read one strict way everywhere a client can send one (<see cref="ExactName"/>): in a JSON body (this
/// converter), in a query or route value (<see cref="UseStrictArguments"/>) and in a token's claims
/// (<see cref="IdentityExtensions"/>). Only a defined name spelled exactly is taken; a number, a comma list, another
/// case or padding is a 400 naming the field, before anything is decided or stored.
/// </summary>
public sealed class ExactEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Exact<>).MakeGenericType(typeToConvert))!;

    private sealed class Exact<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw Refused();

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());

        private static T Parse(string? text) => ExactName.TryParse<T>(text, out var value) ? value : throw Refused();

        private static JsonException Refused() =>
            new($"取值须为以下之一 / The value must be one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }
}

public static class StrictEnums
{
    /// <summary>The OpenAPI documents show every enum as its names (the converter above is not one the generator knows).</summary>
    public static OpenApiOptions DescribeEnumsByName(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type.IsEnum)
            {
                schema.Type = JsonSchemaType.String | (type != context.JsonTypeInfo.Type ? JsonSchemaType.Null : 0);
                schema.Format = null;
                schema.Enum = Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n)!).ToList();
            }
            return Task.CompletedTask;
        });

    /// <summary>
    /// Refuses, before binding, a query or route value holding a NUL, and one for an enum parameter of the matched
    /// endpoint that is not a defined name (the framework's binder would take "99" or "Teacher,CountyAdmin" and hand
    /// an undefined value to the handler).
    /// </summary>
    public static WebApplication UseStrictArguments(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Dictionary<string, string[]>? errors = null;
            // Text PostgreSQL cannot store, in any query or route value.
            foreach (var (key, values) in context.Request.Query)
            {
                if (values.Any(StrictText.HasNul))
                {
                    (errors ??= [])[key] = ["含有无法保存的字符（NUL）/ contains a character that cannot be stored (NUL)"];
                }
            }
            foreach (var (key, value) in context.Request.RouteValues)
            {
                if (value is string text && StrictText.HasNul(text))
                {
                    (errors ??= [])[key] = ["含有无法保存的字符（NUL）/ contains a character that cannot be stored (NUL)"];
                }
            }
            if (context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is { } method
                && EnumParameters.GetOrAdd(method, Find) is { Length: > 0 } parameters)
            {
                foreach (var (name, enumType) in parameters)
                {
                    // A name in the route template binds from the route; otherwise from the query.
                    string?[] values = context.Request.RouteValues.TryGetValue(name, out var v)
                        ? [v as string]
                        : context.Request.Query.TryGetValue(name, out var q) ? q.ToArray() : [];
                    if (values.Any(text => !ExactName.IsName(enumType, text)))
                    {
                        (errors ??= [])[name] =
                            [$"取值须为以下之一 / must be one of: {string.Join(", ", Enum.GetNames(enumType))}"];
                    }
                }
            }
            if (errors is not null)
            {
                throw new ValidationFailed(errors);
            }
            await next();
        });
        return app;
    }

    private static readonly ConcurrentDictionary<MethodInfo, (string Name, Type Enum)[]> EnumParameters = new();

    private static (string, Type)[] Find(MethodInfo method) =>
        method.GetParameters().Select(p =>
        {
            var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            if (type.IsArray)
            {
                type = Nullable.GetUnderlyingType(type.GetElementType()!) ?? type.GetElementType()!;
            }
            if (!type.IsEnum || p.Name is null)
            {
                return default((string, Type)?);
            }
            var name = p.GetCustomAttribute<FromRouteAttribute>()?.Name ?? p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name;
            return (name, type);
        }).OfType<(string, Type)>().ToArray();
}
