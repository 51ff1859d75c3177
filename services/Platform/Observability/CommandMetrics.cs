using JasperFx;
using JasperFx.Events;
using JiaoLianTi.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Observability;

/// <summary>
/// <c>jlt.commands</c>: every command (a POST, PUT, PATCH or DELETE under <c>/api/{service}</c>, the operations
/// endpoints aside), by type (method and route: <c>POST /api/alliances/{id}/members</c>) and outcome:
/// <c>accepted</c> (2xx), <c>refused</c> (a business rule, 409 with a code), <c>conflict</c> (a stale If-Match or a
/// race, 412 or 409), <c>invalid</c> (400, 413, 415, 428), <c>forbidden</c> (401, 403), <c>not_found</c> (404),
/// <c>failed</c> (5xx). ProblemMapping names the refusal (<see cref="Note"/>) where the status alone cannot.
/// </summary>
public static class CommandMetrics
{
    private const string OutcomeKey = "jlt.command.outcome";

    /// <summary>Runs outside ProblemMapping, so that it sees the final status of a refused command.</summary>
    public static WebApplication UseCommandMetrics(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                || HttpMethods.IsOptions(context.Request.Method) || !context.Request.Path.StartsWithSegments("/api")
                || context.Request.Path.Value?.Contains("/operations/", StringComparison.Ordinal) == true)
            {
                await next(context);
                return;
            }
            try
            {
                await next(context);
            }
            finally
            {
                var metrics = context.RequestServices.GetService<OpsMetrics>();
                var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                if (metrics is not null && endpoint is RouteEndpoint route)
                {
                    metrics.Command($"{context.Request.Method} {route.RoutePattern.RawText}", Outcome(context));
                }
            }
        });
        return app;
    }

    /// <summary>The hook in ProblemMapping: what kind of refusal the exception was.</summary>
    public static void Note(HttpContext context, Exception exception) =>
        context.Items[OutcomeKey] = exception switch
        {
            RuleViolation => "refused",
            ConcurrencyException or EventStreamUnexpectedMaxEventIdException => "conflict",
            _ => null,
        };

    private static string Outcome(HttpContext context)
    {
        if (context.Items.TryGetValue(OutcomeKey, out var noted) && noted is string outcome)
        {
            return outcome;
        }
        return context.Response.StatusCode switch
        {
            < 400 => "accepted",
            400 or 413 or 415 or 422 or 428 => "invalid",
            401 or 403 => "forbidden",
            404 => "not_found",
            409 or 412 => "conflict",
            >= 500 => "failed",
            _ => "invalid",
        };
    }
}
