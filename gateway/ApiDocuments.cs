using System.Text.Json.Nodes;
using Scalar.AspNetCore;

namespace JiaoLianTi.Gateway;

/// <summary>
/// One OpenAPI document for the whole API (<c>/api/openapi.json</c>), made from the six services' own documents (the five and subscriptions) as
/// they run (so it never drifts from the code), and an interactive reference of it at <c>/api/reference</c> (Scalar,
/// its script served from the gateway itself). A schema two services name alike but shape differently keeps the
/// first service's name and is renamed with the service's name in the other.
/// </summary>
public static class ApiDocuments
{
    public const string CombinedPath = "/api/openapi.json";
    public const string ReferencePath = "/api/reference";

    public static WebApplication MapApiDocuments(this WebApplication app)
    {
        // Scalar's page starts itself with an inline script: that page alone may run one.
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ReferencePath))
            {
                context.Response.Headers.ContentSecurityPolicy = Platform.Http.SecurityHeaders.HtmlPolicy
                    .Replace("script-src 'self'", "script-src 'self' 'unsafe-inline'", StringComparison.Ordinal);
            }
            return next(context);
        });
        app.MapGet(CombinedPath, Combined).AllowAnonymous().ExcludeFromDescription();
        app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("教联体 JiaoLianTi API")
                .WithOpenApiRoutePattern(CombinedPath)
                .DisableDefaultFonts()) // its fonts come from a CDN, which the pages' policy (and an offline province) refuse
            .AllowAnonymous();
        return app;
    }

    private static async Task<IResult> Combined(IHttpClientFactory clients, CancellationToken ct)
    {
        using var client = clients.CreateClient("openapi");
        var combined = new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "JiaoLianTi 教联体 API",
                ["version"] = "v1",
                ["description"] = "五个服务与订阅服务的全部接口，经网关调用 / Every operation of the five services and of subscriptions, called through the gateway. " +
                                  "Each service also serves its own document at /api/{service}/openapi/v1.json.",
                ["license"] = new JsonObject { ["name"] = "Proprietary (province)", ["identifier"] = "LicenseRef-Province" },
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "网关 / The gateway" }),
            ["paths"] = new JsonObject(),
            ["components"] = new JsonObject { ["schemas"] = new JsonObject(), ["securitySchemes"] = new JsonObject() },
            ["tags"] = new JsonArray(),
        };
        foreach (var service in ProxyRoutes.Routed)
        {
            var document = JsonNode.Parse(await client.GetStringAsync($"http://{service}/api/{service}/openapi/v1.json", ct))!;
            Merge(combined, document, service);
        }
        combined["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
        return Results.Text(combined.ToJsonString(), "application/json");
    }

    internal static void Merge(JsonObject combined, JsonNode document, string service)
    {
        var schemas = combined["components"]!["schemas"]!.AsObject();
        var own = document["components"]?["schemas"]?.AsObject() ?? [];
        var renames = own.Where(s => schemas.TryGetPropertyValue(s.Key, out var existing) && !JsonNode.DeepEquals(existing, s.Value))
            .ToDictionary(s => $"#/components/schemas/{s.Key}", s => $"#/components/schemas/{Pascal(service)}{s.Key}");
        if (renames.Count > 0)
        {
            Rewrite(document, renames);
        }
        foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject().ToList() ?? [])
        {
            var target = renames.TryGetValue($"#/components/schemas/{name}", out var renamed) ? renamed.Split('/')[^1] : name;
            schemas[target] ??= schema!.DeepClone();
        }
        foreach (var (name, scheme) in document["components"]?["securitySchemes"]?.AsObject().ToList() ?? [])
        {
            combined["components"]!["securitySchemes"]![name] ??= scheme!.DeepClone();
        }
        foreach (var (path, item) in document["paths"]?.AsObject().ToList() ?? [])
        {
            combined["paths"]![path] = item!.DeepClone();
        }
        var tags = combined["tags"]!.AsArray();
        foreach (var tag in document["tags"]?.AsArray() ?? [])
        {
            if (!tags.Any(t => (string?)t!["name"] == (string?)tag!["name"]))
            {
                tags.Add(tag!.DeepClone());
            }
        }
    }

    private static void Rewrite(JsonNode? node, IReadOnlyDictionary<string, string> renames)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "$ref" && value is JsonValue v && renames.TryGetValue((string)v!, out var to))
                    {
                        o[key] = to;
                    }
                    else
                    {
                        Rewrite(value, renames);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Rewrite(item, renames);
                }
                break;
        }
    }

    private static string Pascal(string service) => service switch
    {
        "parentschool" => "ParentSchool",
        "campussafety" => "CampusSafety",
        _ => char.ToUpperInvariant(service[0]) + service[1..],
    };
}
