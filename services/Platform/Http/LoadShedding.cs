using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// Past its capacity a service answers at once rather than let every request wait (issue 20, saturation): with more
/// than <c>Http:MaxRequestsInFlight</c> requests (default 256) already in progress, the next one is a 503 with
/// <c>Retry-After</c> and a ProblemDetails, and nothing is done. The health endpoints are never refused (the
/// orchestrator would take a busy replica for a dead one). Under that bound, requests wait for the database as before.
/// </summary>
public static class LoadShedding
{
    public const int DefaultMaxRequestsInFlight = 256;

    public static WebApplication UseLoadShedding(this WebApplication app)
    {
        var limit = app.Configuration.GetValue("Http:MaxRequestsInFlight", DefaultMaxRequestsInFlight);
        var inFlight = 0;
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (limit <= 0 || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive"))
            {
                await next(context);
                return;
            }
            try
            {
                if (Interlocked.Increment(ref inFlight) > limit)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = "1";
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails = new ProblemDetails
                        {
                            Status = StatusCodes.Status503ServiceUnavailable,
                            Title = "服务繁忙，请稍后重试 / The service is busy: retry after the Retry-After interval",
                            Detail = $"More than {limit} requests are in progress.",
                        },
                    });
                    return;
                }
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        });
        return app;
    }
}
