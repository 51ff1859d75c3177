using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using JasperFx;
using JasperFx.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// Every error a client can cause becomes an RFC 9457 ProblemDetails here, in one place: 400 validation (fields
/// listed), 403, 404, 409 rule broken, 412 stale version, 428 If-Match missing; 503 with Retry-After while the
/// service's database cannot be reached (nothing was changed: the caller retries). Anything else is ours: 500.
/// </summary>
public static partial class ProblemMapping
{
    public static IServiceCollection AddProblemMapping(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            // The framework's own answers (401, 404, 405, 413, 415 ...) get a Chinese title beside the English one.
            if (context.ProblemDetails.Title?.Contains(" / ", StringComparison.Ordinal) != true
                && context.ProblemDetails.Status is { } status && Titles.TryGetValue(status, out var title))
            {
                context.ProblemDetails.Title = title;
            }
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Malformed JSON and unbindable values throw, so that the handler can name the field instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseProblemMapping(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            var problem = ToProblem(exception, context.Request.Headers.IfMatch.Count > 0);
            if (problem is null)
            {
                return false;
            }
            logger.LogInformation("Refused {Method} {Path}: {Status} {Detail}",
                context.Request.Method, context.Request.Path, problem.Status, problem.Detail);
            Observability.CommandMetrics.Note(context, exception);
            context.Response.StatusCode = problem.Status!.Value;
            if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context, ProblemDetails = problem, Exception = exception,
            });
        }
    }

    /// <summary>The title of each status, Chinese first, for answers the framework writes itself.</summary>
    public static readonly IReadOnlyDictionary<int, string> Titles = new Dictionary<int, string>
    {
        [400] = "请求无效 / Bad request",
        [401] = "未登录或令牌无效 / Unauthorized: sign in with a valid token",
        [403] = "无权操作 / Forbidden",
        [404] = "未找到 / Not found",
        [405] = "不支持此方法 / Method not allowed",
        [406] = "无法提供所需格式 / Not acceptable",
        [409] = "冲突 / Conflict",
        [411] = "须注明长度 / Length required",
        [412] = "版本已过期 / Stale version",
        [413] = "请求内容过大 / Request body too large",
        [415] = "不支持的内容类型 / Unsupported media type",
        [428] = "需要 If-Match / Precondition required",
        [429] = "请求过于频繁，请稍后再试 / Too many requests: retry later",
        [500] = "服务器内部错误 / Internal server error",
        [502] = "上游服务无响应 / Bad gateway",
        [503] = "服务暂不可用 / Service unavailable",
        [504] = "上游服务超时 / Gateway timeout",
    };

    /// <summary>What a 503 asks the caller to wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    internal static ProblemDetails? ToProblem(Exception exception, bool hadIfMatch) => DatabaseUnreachable(exception)
        ? new ProblemDetails
        {
            Status = 503, Title = "服务暂不可用 / Service unavailable",
            Detail = $"数据库暂时无法连接，请 {RetryAfterSeconds} 秒后重试 / The database cannot be reached right now: retry after {RetryAfterSeconds} s (a change retried with the same If-Match gets 412 if it did go through).",
        }
        : exception switch
    {
        ValidationFailed v => new HttpValidationProblemDetails(v.Errors)
        {
            Status = 400, Title = "请求参数无效 / One or more fields are invalid",
        },
        BadHttpRequestException b => BadRequest(b),
        RuleViolation r => new ProblemDetails
        {
            Status = 409, Title = "违反业务规则 / A rule refused this", Detail = r.Message, Extensions = { ["code"] = r.Code },
        },
        NotFoundException n => new ProblemDetails { Status = 404, Title = "未找到 / Not found", Detail = n.Message },
        ForbiddenException f => new ProblemDetails { Status = 403, Title = "无权操作 / Forbidden", Detail = f.Message },
        PreconditionRequired p => new ProblemDetails { Status = 428, Title = "需要 If-Match / Precondition required", Detail = p.Message },
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException => new ProblemDetails
        {
            Status = hadIfMatch ? 412 : 409,
            Title = "版本已过期 / Stale version",
            Detail = "数据已被他人修改，请重新读取后再提交 / Someone changed this since you read it: read it again (new ETag) and retry.",
        },
        // Marten 9.58 throws its own collision type on quick append; JasperFx's on the other append modes.
        ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
            or DocumentAlreadyExistsException => new ProblemDetails
        {
            Status = 409, Title = "已存在 / Already exists", Detail = "This id is taken.",
        },
        _ => null,
    };

    /// <summary>
    /// The database is away (refused, reset, restarting, pool exhausted while it was): Npgsql calls such errors
    /// transient, wherever Marten wraps them. A broken rule or a bad statement is not transient and stays what it is.
    /// </summary>
    internal static bool DatabaseUnreachable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.NpgsqlException { IsTransient: true })
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(DatabaseUnreachable))
            {
                return true;
            }
        }
        return false;
    }

    private static ProblemDetails BadRequest(BadHttpRequestException exception)
    {
        var json = exception.InnerException as JsonException;
        if (json is null)
        {
            // ASP.NET Core's binding messages name the parameter after its .NET type ("Failed to bind parameter
            // \"Nullable<int> page\" from \"abc\"."): name the field alone, never the type.
            if (BoundParameter().Match(exception.Message) is { Success: true } bound)
            {
                var name = bound.Groups["name"].Value;
                return new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [name] = [bound.Groups["kind"].Value == "Required"
                        ? "必填 / is required"
                        : "值的类型或格式无效 / has a value of the wrong type or format"],
                })
                {
                    Status = 400, Title = "请求参数无效 / One or more fields are invalid",
                };
            }
            return new ProblemDetails { Status = exception.StatusCode, Title = "请求无效 / Bad request" };
        }
        if (json is StrictText.FieldRefused refused)
        {
            var at = FieldName(json.Path);
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [at == "body" ? refused.Field : $"{at}.{refused.Field}"] = [refused.Message],
            })
            {
                Status = 400, Title = "请求参数无效 / One or more fields are invalid",
            };
        }
        var field = FieldName(json.Path);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [field == "body" ? "不是有效的 JSON / is not valid JSON" : "值的类型或格式无效 / has a value of the wrong type or format"],
        })
        {
            Status = 400, Title = "请求参数无效 / One or more fields are invalid",
        };
    }

    [GeneratedRegex("^(?<kind>Failed to bind|Required) parameter \"[^\"]* (?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex BoundParameter();

    /// <summary>"$.lead.name" becomes "lead.name"; a syntax error with no path names the body.</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');
}
