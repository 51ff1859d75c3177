using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// What a client generator needs from each service's OpenAPI document: the gateway as the server, the bearer scheme,
/// the ProblemDetails every refusal carries (400 with the fields, 401, 403, 404, and for changes 409, 412 and 428),
/// and the If-Match header a change to an existing record takes.
/// </summary>
public static class OpenApiConventions
{
    public const string ProblemSchema = "ProblemDetails";
    public const string Bearer = "bearer";

    public static OpenApiOptions DescribeForClients(this OpenApiOptions options, string serviceName)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = $"JiaoLianTi 教联体 · {serviceName}",
                Version = "v1",
                Description = "经网关调用，需持令牌 / Called through the gateway with a bearer token (README, Tokens). " +
                              "Errors are RFC 9457 ProblemDetails with Chinese and English titles.",
                License = new OpenApiLicense { Name = "Proprietary (province)", Identifier = "LicenseRef-Province" },
            };
            document.Servers = [new OpenApiServer { Url = "/", Description = "网关 / The gateway" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "省级统一身份认证签发的令牌 / A token of the province's OIDC issuer (in Development: POST /dev/token).",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] }];
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = Problem();
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var method = context.Description.HttpMethod ?? "GET";
            var changes = method is not ("GET" or "HEAD");
            var hasPathId = context.Description.ParameterDescriptions.Any(p => p.Source.Id == "Path");
            operation.OperationId ??= OperationId(method, context.Description.RelativePath ?? "");
            operation.Responses ??= new OpenApiResponses();
            var refusals = new List<(string Code, string Text)>
            {
                ("400", "请求参数无效（errors 列出字段） / Invalid input: errors names each field"),
                ("401", "未登录或令牌无效 / No valid token"),
                ("403", "可见但无权执行 / Visible to the caller, who may not do this"),
                ("404", "不存在，或调用者无权知道其存在 / Not found, or the caller may not learn it exists"),
            };
            if (changes)
            {
                refusals.Add(("409", "违反业务规则（code 说明） / A rule refused it (see code)"));
                if (hasPathId)
                {
                    refusals.Add(("412", "If-Match 已过期 / The If-Match version is stale"));
                    refusals.Add(("428", "修改已有记录须带 If-Match / A change to an existing record needs If-Match"));
                }
            }
            foreach (var (code, text) in refusals)
            {
                if (!operation.Responses.ContainsKey(code))
                {
                    operation.Responses[code] = new OpenApiResponse
                    {
                        Description = text,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                        },
                    };
                }
            }
            if (changes && hasPathId)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "读取时得到的 ETag；修改已有记录时必填（否则 428，过期则 412） / The ETag you read: required when " +
                                  "this changes an existing record (428 without it, 412 when stale); ignored when it creates one.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = JsonValue.Create("\"3\""),
                });
            }
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>"GET api/alliances/units/{id}" becomes "getAlliancesUnitsById": stable, unique per method and path.</summary>
    internal static string OperationId(string method, string route)
    {
        var words = route.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(segment =>
        {
            var part = segment.StartsWith('{') ? "By" + segment.Trim('{', '}').Split(':')[0].TrimStart('*') : segment;
            return string.Concat(part.Split('-', '_', '.').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        });
        return method.ToLowerInvariant() + string.Concat(words);
    }

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 ProblemDetails",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "中文 / English" },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "409: the rule's stable code" },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "400: field → messages",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };
}
