using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// Every operation of the five services' and subscriptions' OpenAPI documents, tried with input a client should not send: wrong types,
/// nulls, NUL characters, huge strings and numbers, bad GUIDs and dates, null array elements, unknown enum names,
/// huge pages. Generated from the documents, so a new endpoint is covered without a line of test code. Nothing may
/// answer 5xx, and every 4xx is a ProblemDetails. The requests go straight to the services (the gateway's per-client
/// limit is not what is tried) as several kinds of caller, in a county no other test uses.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiFuzzTests(EndToEndSystem system, ITestOutputHelper output)
{
    private static readonly System.Text.RegularExpressions.Regex DotNetNames =
        new(@"JiaoLianTi\.|System\.|Nullable<|Failed to bind parameter|could not be converted to");

    private const string County = "513401"; // 凉山州西昌市
    private const int MaxRequests = 6000;

    [Fact]
    public async Task No_operation_answers_5xx_or_a_4xx_without_a_ProblemDetails()
    {
        var tokens = new[]
        {
            TestSystem.Token(new TokenRequest(Role.CountyAdmin, County, Subject: "fuzz-county")),
            TestSystem.Token(new TokenRequest(Role.ProvinceAdmin, "51", Subject: "fuzz-province")),
            TestSystem.Token(new TokenRequest(Role.SchoolAdmin, County, SchoolId: Guid.NewGuid(), Subject: "fuzz-school")),
            TestSystem.Token(new TokenRequest(Role.Parent, County, Children: [Guid.NewGuid()], Subject: "fuzz-parent")),
            TestSystem.Token(new TokenRequest(Role.Counsellor, County, SchoolId: Guid.NewGuid(), Subject: "fuzz-counsellor")),
            TestSystem.Token(new TokenRequest(Role.MemberOfficer, County, MemberUnitId: Guid.NewGuid(), Subject: "fuzz-officer")),
            TestSystem.Token(new TokenRequest(Role.DepartmentOfficer, County, Subject: "fuzz-department", Department: Department.PublicSecurity)),
        };
        var requests = new List<(string Service, Probe Probe)>();
        foreach (var service in system.Running)
        {
            using var client = new HttpClient { BaseAddress = system.Address(service) };
            var document = JsonNode.Parse(await client.GetStringAsync($"/api/{service}/openapi/v1.json"))!;
            requests.AddRange(Probes.From(document).Select(p => (service, p)));
        }
        Assert.True(requests.Count > 500, $"only {requests.Count} probes were generated");
        var chosen = requests.Count <= MaxRequests ? requests : requests.Where((_, i) => i % (requests.Count / MaxRequests + 1) == 0).ToList();

        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<string>();
        var clients = system.Running.ToDictionary(s => s, s => new HttpClient { BaseAddress = system.Address(s), Timeout = TimeSpan.FromSeconds(60) });
        try
        {
            await Parallel.ForEachAsync(chosen.Select((r, i) => (r, i)), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (item, ct) =>
            {
                var ((service, probe), index) = item;
                using var request = probe.ToRequest(tokens[index % tokens.Length]);
                using var response = await clients[service].SendAsync(request, ct);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (status >= 500)
                {
                    failures.Add($"{status} {probe} → {Snip(body)}");
                }
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{status} without ProblemDetails ({response.Content.Headers.ContentType}) {probe} → {Snip(body)}");
                }
                else if (status >= 400 && DotNetNames.IsMatch(body))
                {
                    // A client is told which field is wrong, never the server's type names.
                    failures.Add($"{status} names a .NET type {probe} → {Snip(body)}");
                }
            });
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }

        output.WriteLine($"{chosen.Count} requests of {requests.Count} generated: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} answers were wrong:\n" + string.Join("\n", failures.Take(40)));
    }

    private static string Snip(string body) => body.Length > 300 ? body[..300] : body;

    /// <summary>One request to try: method, path with its values, query, body.</summary>
    internal sealed record Probe(string Method, string Path, string Query, string? Body, string What)
    {
        public HttpRequestMessage ToRequest(string token)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path + Query);
            request.Headers.Authorization = new("Bearer", token);
            if (Method is "POST" or "PUT" or "PATCH" or "DELETE")
            {
                request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            }
            if (Body is not null)
            {
                request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
            }
            return request;
        }

        public override string ToString() => $"{Method} {Path}{(Query.Length > 120 ? Query[..120] + "…" : Query)} [{What}]";
    }

    /// <summary>Generates the probes of one OpenAPI document.</summary>
    internal static class Probes
    {
        private static readonly string Huge = new('测', 25_000); // over any field's limit, under a body's

        public static IEnumerable<Probe> From(JsonNode document)
        {
            var schemas = document["components"]?["schemas"]?.AsObject();
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operationNode) in item!.AsObject())
                {
                    if (operationNode is not JsonObject operation || method is "parameters")
                    {
                        continue;
                    }
                    var verb = method.ToUpperInvariant();
                    var parameters = (operation["parameters"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
                    var pathParameters = parameters.Where(p => (string?)p["in"] == "path").ToList();
                    var queryParameters = parameters.Where(p => (string?)p["in"] == "query").ToList();
                    var bodySchema = operation["requestBody"]?["content"]?["application/json"]?["schema"];

                    string PathWith(string? name, string? value) => pathParameters.Aggregate(path, (p, parameter) =>
                    {
                        var n = (string)parameter["name"]!;
                        return p.Replace($"{{{n}}}", Uri.EscapeDataString(n == name ? value! : Valid(parameter["schema"], schemas)?.ToString() ?? "x"));
                    });
                    string QueryWith(string? name, string? value) => "?" + string.Join("&", queryParameters
                        .Select(q => ((string)q["name"]!, n: (string)q["name"]!))
                        .Select(q => q.n == name ? $"{q.n}={Uri.EscapeDataString(value!)}"
                            : Valid(queryParameters.First(p => (string?)p["name"] == q.n)["schema"], schemas) is { } v
                                ? $"{q.n}={Uri.EscapeDataString(v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v.ToJsonString())}" : "")
                        .Where(s => s.Length > 0));
                    var validBody = bodySchema is null ? null : Valid(bodySchema, schemas)?.ToJsonString();

                    yield return new Probe(verb, PathWith(null, null), QueryWith(null, null), validBody, "valid-looking");
                    foreach (var parameter in pathParameters)
                    {
                        // A NUL in the path is refused by Kestrel itself (400, no body, connection closed) before any
                        // of our code runs; it is tried in queries and bodies, where our code answers.
                        foreach (var bad in BadText(parameter["schema"], schemas).Where(b => b != "\0"))
                        {
                            yield return new Probe(verb, PathWith((string)parameter["name"]!, bad), QueryWith(null, null), validBody, $"path {parameter["name"]}={Short(bad)}");
                        }
                    }
                    foreach (var parameter in queryParameters)
                    {
                        foreach (var bad in BadText(parameter["schema"], schemas))
                        {
                            yield return new Probe(verb, PathWith(null, null), QueryWith((string)parameter["name"]!, bad), validBody, $"query {parameter["name"]}={Short(bad)}");
                        }
                    }
                    if (bodySchema is null)
                    {
                        continue;
                    }
                    foreach (var whole in new[] { "null", "[]", "{}", "\"x\"", "{", "[null]", "0" })
                    {
                        yield return new Probe(verb, PathWith(null, null), QueryWith(null, null), whole, $"body {whole}");
                    }
                    foreach (var (field, body) in BadBodies(bodySchema, schemas, depth: 0))
                    {
                        yield return new Probe(verb, PathWith(null, null), QueryWith(null, null), body.ToJsonString(), $"body {field}");
                    }
                }
            }
        }

        private static string Short(string text) => text.Length > 30 ? $"({text.Length} chars)" : text;

        private static JsonObject? Resolve(JsonNode? schema, JsonObject? schemas)
        {
            for (var i = 0; i < 10 && schema?["$ref"] is JsonValue reference; i++)
            {
                schema = schemas?[((string)reference!).Split('/')[^1]];
            }
            return schema as JsonObject;
        }

        private static HashSet<string> Types(JsonObject? schema)
        {
            var types = new HashSet<string>();
            switch (schema?["type"])
            {
                case JsonValue v: types.Add((string)v!); break;
                case JsonArray a: foreach (var t in a) types.Add((string)t!); break;
            }
            if (schema?["enum"] is not null) types.Add("enum");
            foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
            {
                foreach (var sub in schema?[key]?.AsArray() ?? [])
                {
                    types.UnionWith(Types(sub as JsonObject));
                }
            }
            return types;
        }

        private static JsonObject? Underlying(JsonObject? schema, JsonObject? schemas)
        {
            foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
            {
                if (schema?[key] is JsonArray options)
                {
                    return options.Select(o => Resolve(o, schemas)).FirstOrDefault(o => !Types(o).SetEquals(["null"])) ?? schema;
                }
            }
            return schema;
        }

        /// <summary>A plausible value for the schema: what a careful client would send.</summary>
        internal static JsonNode? Valid(JsonNode? node, JsonObject? schemas, int depth = 0)
        {
            var schema = Underlying(Resolve(node, schemas), schemas);
            var types = Types(schema);
            var format = (string?)schema?["format"];
            if (schema?["enum"] is JsonArray values && values.FirstOrDefault(v => v is not null) is { } first)
            {
                return first.DeepClone();
            }
            if (types.Contains("integer") || types.Contains("number")) return 1;
            if (types.Contains("boolean")) return true;
            if (types.Contains("array"))
            {
                return depth > 3 ? new JsonArray() : new JsonArray(Valid(schema?["items"], schemas, depth + 1));
            }
            if (types.Contains("object") || schema?["properties"] is not null)
            {
                var result = new JsonObject();
                if (depth > 3) return result;
                foreach (var (name, property) in schema?["properties"]?.AsObject() ?? [])
                {
                    result[name] = Valid(property, schemas, depth + 1);
                }
                return result;
            }
            return format switch
            {
                "uuid" => Guid.NewGuid().ToString(),
                "date" => "2026-12-01",
                "date-time" => "2026-12-01T09:00:00+08:00",
                "int32" or "int64" => 1,
                _ => County,
            };
        }

        /// <summary>Text a client should not send for a value of this schema (query and path).</summary>
        private static IEnumerable<string> BadText(JsonNode? node, JsonObject? schemas)
        {
            var schema = Underlying(Resolve(node, schemas), schemas);
            var types = Types(schema);
            var format = (string?)schema?["format"];
            yield return "\0";
            yield return new string('x', 5000);
            if (format == "uuid") { yield return "not-a-guid"; yield return Guid.Empty.ToString(); }
            if (types.Contains("integer") || types.Contains("number"))
            {
                yield return "2147483647"; yield return "-2147483648"; yield return "99999999999999999999"; yield return "abc"; yield return "0";
            }
            if (format is "date" or "date-time") { yield return "9999-12-31"; yield return "0001-01-01"; yield return "2026-13-45"; }
            if (types.Contains("boolean")) yield return "maybe";
            if (types.Contains("enum") || schema?["enum"] is not null) { yield return "99"; yield return "Nope,Other"; }
        }

        /// <summary>The valid body with one field at a time replaced by something it must refuse.</summary>
        private static IEnumerable<(string Field, JsonNode Body)> BadBodies(JsonNode schemaNode, JsonObject? schemas, int depth)
        {
            var schema = Underlying(Resolve(schemaNode, schemas), schemas);
            if (schema?["properties"] is not JsonObject properties || depth > 1)
            {
                yield break;
            }
            foreach (var (name, property) in properties)
            {
                foreach (var bad in BadValues(property, schemas))
                {
                    var body = (JsonObject)Valid(schemaNode, schemas)!;
                    body[name] = bad;
                    yield return (name, body);
                }
                var inner = Underlying(Resolve(property, schemas), schemas);
                if (Types(inner).Contains("array") && Underlying(Resolve(inner?["items"], schemas), schemas)?["properties"] is not null)
                {
                    foreach (var (field, element) in BadBodies(inner!["items"]!, schemas, depth + 1))
                    {
                        var body = (JsonObject)Valid(schemaNode, schemas)!;
                        body[name] = new JsonArray(element);
                        yield return ($"{name}[0].{field}", body);
                    }
                }
                else if (inner?["properties"] is not null)
                {
                    foreach (var (field, nested) in BadBodies(property!, schemas, depth + 1))
                    {
                        var body = (JsonObject)Valid(schemaNode, schemas)!;
                        body[name] = nested;
                        yield return ($"{name}.{field}", body);
                    }
                }
            }
        }

        private static IEnumerable<JsonNode?> BadValues(JsonNode? node, JsonObject? schemas)
        {
            var schema = Underlying(Resolve(node, schemas), schemas);
            var types = Types(schema);
            var format = (string?)schema?["format"];
            yield return null;
            yield return new JsonObject { ["x"] = 1 };
            if (types.Contains("array"))
            {
                yield return new JsonArray((JsonNode?)null);
                yield return "x";
                yield return new JsonArray(Enumerable.Range(0, 1001).Select(_ => (JsonNode?)(Types(Underlying(Resolve(schema?["items"], schemas), schemas)).Contains("object") ? new JsonObject() : JsonValue.Create("a"))).ToArray());
                yield break;
            }
            yield return new JsonArray(1);
            if (types.Contains("integer") || types.Contains("number"))
            {
                yield return JsonValue.Create(1e30); yield return -1; yield return 2147483648L; yield return "x";
            }
            else if (types.Contains("boolean"))
            {
                yield return "maybe";
            }
            else if (schema?["enum"] is not null)
            {
                yield return "Nope"; yield return 99;
            }
            else
            {
                yield return 12;
                yield return "\0";
                yield return Huge;
                yield return "";
                if (format == "uuid") { yield return "not-a-guid"; yield return Guid.Empty.ToString(); }
                if (format is "date" or "date-time") { yield return "9999-12-31"; yield return "0001-01-01"; }
            }
        }
    }
}
