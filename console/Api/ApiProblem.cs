using System.Net;
using System.Text.Json;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// What the API said when it refused: the ProblemDetails (RFC 9457) of the gateway and the services, read field by
/// field so a form can put each message beside its field.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, string? Code, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>412: someone changed the thing since it was read.</summary>
    public bool IsStale => Status == (int)HttpStatusCode.PreconditionFailed;

    /// <summary>What to show above the form: a stale version gets the words the console uses for it everywhere.</summary>
    public string Summary => IsStale
        ? "他人已修改此项，请刷新后重试 / Someone changed this; reload"
        : Status switch
        {
            401 => "登录已过期，请重新登录 / Your sign-in has expired; sign in again",
            _ => string.IsNullOrWhiteSpace(Detail) || Errors.Count > 0 ? Title : $"{Title}: {Detail}",
        };

    /// <summary>The messages of one field (the API names fields in camelCase, nested ones with dots).</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value).ToList();

    /// <summary>A field the form cannot send at all (e.g. the alliance in the path), shown like the API's own 400.</summary>
    public static ApiProblem Field(string field, string message) =>
        new(400, DefaultTitle(HttpStatusCode.BadRequest), null, null, new Dictionary<string, string[]> { [field] = [message] });

    public static ApiProblem Parse(HttpStatusCode status, string? body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        string? title = null, detail = null, code = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    title = Text(root, "title");
                    detail = Text(root, "detail");
                    code = Text(root, "code");
                    if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in list.EnumerateObject())
                        {
                            errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                                ? field.Value.EnumerateArray().Select(v => v.ToString()).ToArray()
                                : [field.Value.ToString()];
                        }
                    }
                }
            }
            catch (JsonException)
            {
                detail = body.Length > 300 ? body[..300] : body;
            }
        }
        return new ApiProblem((int)status, title ?? DefaultTitle(status), detail, code, errors);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string DefaultTitle(HttpStatusCode status) => (int)status switch
    {
        400 => "请求参数无效 / One or more fields are invalid",
        401 => "未登录 / Not signed in",
        403 => "无权操作 / Forbidden",
        404 => "未找到 / Not found",
        409 => "违反业务规则 / A rule refused this",
        412 => "版本已过期 / Stale version",
        428 => "需要 If-Match / Precondition required",
        429 => "请求过于频繁 / Too many requests",
        >= 500 => "服务暂不可用 / The service is unavailable",
        _ => $"请求失败 / Request failed ({(int)status})",
    };
}

/// <summary>An answer of the API: the value and its ETag, or the problem.</summary>
public sealed record ApiResult<T>(T? Value, string? ETag, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}
