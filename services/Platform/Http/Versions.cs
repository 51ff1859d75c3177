using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace JiaoLianTi.Platform.Http;

/// <summary>A change to an existing stream was sent without If-Match (428).</summary>
public class PreconditionRequired() : Exception("此操作需要 If-Match 头（当前版本的 ETag） / This change needs an If-Match header with the ETag you read.");

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
