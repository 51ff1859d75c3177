using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace JiaoLianTi.Platform.Http;

/// <summary>A change to an existing stream was sent without If-Match (428).</summary>
public class PreconditionRequired() : Exception("此操作需要 If-Match 头（当前版本的 ETag） / This change needs an If-Match header with the ETag you read.");

/// <summary>
/// The If-Match named an older version than the current one (412). A Marten concurrency exception, so that the one
/// problem mapping answers it as 412 (with If-Match) like a race lost at commit.
/// </summary>
public sealed class StaleVersion(string what) : JasperFx.ConcurrencyException(
    $"{what} 已被他人修改，请重新读取后再提交 / {what} changed since you read it: read it again (new ETag) and retry.");

/// <summary>ETag = stream version; If-Match carries the version a client read, and a stale one answers 412.</summary>
public static class Versions
{
    public static string ToETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(this HttpContext context, long version)
        => context.Response.Headers.ETag = ToETag(version);

    /// <summary>The version named by If-Match; 428 if absent, 400 if it is not one of our ETags.</summary>
    public static long ExpectedVersion(this HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new PreconditionRequired();
        }
        if (!EntityTagHeaderValue.TryParse(header, out var tag)
            || !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new ValidationFailed(new Dictionary<string, string[]>
            {
                ["If-Match"] = ["不是有效的 ETag / is not an ETag this service issued"],
            });
        }
        return version;
    }

    /// <summary>The answer to a change: 200 with the body as it now is and its new ETag.</summary>
    public static Ok<T> Changed<T>(this HttpContext context, T body, long version)
    {
        context.SetETag(version);
        return TypedResults.Ok(body);
    }

    /// <summary>The answer to a creation: 201 at <paramref name="location"/> with the body and its first ETag.</summary>
    public static Created<T> Created<T>(this HttpContext context, string location, T body, long version)
    {
        context.SetETag(version);
        return TypedResults.Created(location, body);
    }

    /// <summary>True when If-None-Match already names this version, so a GET can answer 304.</summary>
    public static bool IsNotModified(this HttpContext context, long version)
        => context.Request.Headers.IfNoneMatch.ToString() == ToETag(version);

    /// <summary>
    /// The answer to a GET of something versioned: 304 when If-None-Match already names <paramref name="version"/>,
    /// else 200 with the body and its ETag.
    /// </summary>
    public static Results<Ok<T>, StatusCodeHttpResult> Versioned<T>(this HttpContext context, T body, long version)
    {
        if (context.IsNotModified(version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        context.SetETag(version);
        return TypedResults.Ok(body);
    }
}
