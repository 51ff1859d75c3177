using System.Text.Encodings.Web;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using JiaoLianTi.Platform.Capacity;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Observability;
using JiaoLianTi.Platform.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace JiaoLianTi.Platform;

/// <summary>The HTTP side every service shares: identity, ProblemDetails, JSON, OpenAPI, a clock.</summary>
public static class ServiceComposition
{
    public static IHostApplicationBuilder AddServiceApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemMapping();
        builder.AddJiaoLianTiIdentity();
        builder.Services.AddOperatorSeparation();
        builder.Services.AddOpenApi(options => options.DescribeEnumsByName().DescribeForClients(builder.Environment.ApplicationName));
        builder.Services.AddJsonConventions();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    public static IServiceCollection AddJsonConventions(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            // Chinese text is written as UTF-8, not as \uXXXX escapes (the default escapes every non-ASCII character):
            // each Chinese character takes 3 bytes instead of 6 (measured on the demo data: 5-13 % smaller answers, a
            // province's coverage 83.6 -> 79.6 KB), and a ProblemDetails is readable as it is. The characters HTML
            // treats specially are still escaped.
            options.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
            // Enums travel as their GLOSSARY names, exactly; anything else is a 400 naming the field.
            options.SerializerOptions.Converters.Add(new ExactEnumConverter());
            // A NUL in a string or a null inside an array is a 400 naming the field (StrictText).
            options.SerializerOptions.TypeInfoResolver = (options.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(StrictText.RefuseNulAndNullElements)
                // Durations in minutes, in every body (Durations).
                .WithAddedModifier(Durations.InMinutes);
        });

    /// <summary>Middleware in order, and the OpenAPI document at <c>/api/{service}/openapi/v1.json</c> (via the gateway too).</summary>
    public static WebApplication UseServiceApi(this WebApplication app, string serviceName)
    {
        app.UseCommandMetrics();
        app.UseProblemMapping();
        // Past its capacity a service answers 503 at once (Capacity/CapacityLimit.cs), before a token is even checked.
        // Half a second of queueing at most, and a quarter at the gateway in front: the waits add up, and a request
        // should be refused well before its caller gives up (docs/deploy.md, Capacity). When the requests let in take
        // longer than a second on average while all 64 places are taken, fewer are let in at once (down to 8), so they
        // do not outlast their callers.
        app.UseCapacityLimit(serviceName, concurrency: 64, queueLimit: 512, queueSeconds: 0.5, targetSeconds: 1);
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestLimits();
        app.UseStrictArguments();
        app.MapOpenApi($"/api/{serviceName}/openapi/{{documentName}}.json").AllowAnonymous();
        app.MapPeriodicCheckStatus(serviceName);
        app.MapOperations(serviceName);
        // The cheapest signed-in request (token checked, nothing read): benchmarks/system.sh measures it straight and
        // through the gateway, the gateway's own cost per request.
        app.MapGet($"/api/{serviceName}/ping", () => Results.NoContent()).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
