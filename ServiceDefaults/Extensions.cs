using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire defaults every JiaoLianTi process shares: OpenTelemetry, health endpoints, service discovery and the
/// standard resilience handler. Nothing domain-specific lives here.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Activity sources and meters of the libraries we trace beyond ASP.NET Core and HttpClient.</summary>
    private static readonly string[] TracedSources = ["Marten", "MassTransit", "Npgsql", "Yarp.ReverseProxy", "JiaoLianTi"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddHostedService<IdleMemoryTrim>();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TracedSources)
                .AddMeter("JiaoLianTi.*"))
            .WithTracing(tracing => tracing.AddJiaoLianTiTracing(builder.Environment.ApplicationName));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// What every process traces, and what it leaves out: the health probes, and the background work nobody asked for
    /// (<see cref="QuietBackgroundSampler"/>: the event daemon's polling, its SQL, the leadership lock), while every span
    /// of a request or a consumed message (and their SQL, publishes and consumes in other services) is kept.
    /// </summary>
    public static TracerProviderBuilder AddJiaoLianTiTracing(this TracerProviderBuilder tracing, string applicationName) => tracing
        // A remote parent that was not sampled (a caller's own housekeeping HttpClient, the test client) does not
        // silence the request: it is judged as a root. A local unsampled parent (the daemon's loop) silences its children.
        .SetSampler(new ParentBasedSampler(new QuietBackgroundSampler(),
            remoteParentSampled: new AlwaysOnSampler(), remoteParentNotSampled: new QuietBackgroundSampler(),
            localParentSampled: new AlwaysOnSampler(), localParentNotSampled: new AlwaysOffSampler()))
        .AddSource(applicationName)
        .AddSource(TracedSources)
        .AddAspNetCoreInstrumentation(o =>
            o.Filter = context => !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                                  && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
        .AddHttpClientInstrumentation()
        .AddNpgsql();

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: every check (database, broker) must pass; <c>/alive</c>: the process answers.
    /// Both are mapped in every environment: the AppHost and an orchestrator probe them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") })
            .AllowAnonymous();
        return app;
    }
}

/// <summary>
/// Decides for a span that starts a trace (its children follow it): one that came from outside (a request, a
/// consumed message: server or consumer) or sends something out (a publish: producer) is kept; one a process starts
/// by itself for its own housekeeping (client or internal: the event daemon's high-water polling and page loading,
/// their SQL, the HotCold lock) is dropped, with everything under it. So the traces list shows work, not the
/// once-a-second polling of every service, and a command's trace is whole: its spans all have a kept parent.
/// </summary>
public sealed class QuietBackgroundSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind is System.Diagnostics.ActivityKind.Server or System.Diagnostics.ActivityKind.Consumer
            or System.Diagnostics.ActivityKind.Producer
            ? new SamplingResult(SamplingDecision.RecordAndSample)
            : new SamplingResult(SamplingDecision.Drop);
}
