using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
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

    /// <summary>Meters of the libraries we measure beyond ASP.NET Core and HttpClient.</summary>
    private static readonly string[] MeteredSources = ["Marten", "MassTransit", "Npgsql", "Yarp.ReverseProxy", "JiaoLianTi"];

    /// <summary>
    /// Activity sources we trace beyond ASP.NET Core and HttpClient. Not YARP's: its <c>proxy.forwarder</c> span sat
    /// between the gateway's request and its HttpClient call to the service with the same start, end and route, one
    /// span in three of every proxied request for the exporter and the collector to carry and nothing new to read.
    /// </summary>
    private static readonly string[] TracedSources = ["Marten", "MassTransit", "Npgsql", "JiaoLianTi"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddHostedService<IdleMemoryTrim>();
        // The queue of connections the kernel holds until the process accepts them. A crowd (or the gateway after its
        // callers gave up) opens hundreds at once while the process is busy; past Kestrel's 512 the kernel drops the
        // handshake and the caller's retry comes 1 s, then 3 s later: one run at four times the system's capacity
        // counted 1,758 dropped handshakes and 2,230 callers that gave up after 5 s (docs/deploy.md, Capacity). The
        // kernel caps it at net.core.somaxconn (4096 on current kernels).
        var backlog = builder.Configuration.GetValue("Capacity:Backlog", 4096);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(
            o => o.Backlog = backlog);
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
                .AddMeter(MeteredSources)
                .AddMeter("JiaoLianTi.*")
                .AddJiaoLianTiCardinalityLimits())
            .WithTracing(tracing => tracing.AddJiaoLianTiTracing(builder.Environment.ApplicationName,
                builder.Configuration.GetValue(TraceSampleRatioKey, 1.0)));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// The share of traces kept, 0 to 1 (default 1: every request and message). A province's cluster sets it lower
    /// (docs/operations.md, Traces): each kept command costs some 30 spans to build, export and store.
    /// </summary>
    public const string TraceSampleRatioKey = "Telemetry:TraceSampleRatio";

    /// <summary>
    /// What every process traces, and what it leaves out: the health probes, and the background work nobody asked for
    /// (<see cref="QuietBackgroundSampler"/>: the event daemon's polling, its SQL, the leadership lock), while a span
    /// of a request or a consumed message (and their SQL, publishes and consumes in other services) is kept, in the
    /// share <paramref name="sampleRatio"/> of traces.
    /// </summary>
    public static TracerProviderBuilder AddJiaoLianTiTracing(this TracerProviderBuilder tracing, string applicationName,
        double sampleRatio = 1.0) => tracing
        // A remote parent that was not sampled (a caller's own housekeeping HttpClient, the test client) does not
        // silence the request: it is judged as a root. The judgement depends only on the trace id, so a trace the
        // gateway left out is left out by every service it reaches, and a kept one is kept whole. A local unsampled
        // parent (the daemon's loop) silences its children.
        .SetSampler(new ParentBasedSampler(new QuietBackgroundSampler(sampleRatio),
            remoteParentSampled: new AlwaysOnSampler(), remoteParentNotSampled: new QuietBackgroundSampler(sampleRatio),
            localParentSampled: new AlwaysOnSampler(), localParentNotSampled: new AlwaysOffSampler()))
        .AddSource(applicationName)
        .AddSource(TracedSources)
        .AddAspNetCoreInstrumentation(o =>
            o.Filter = context => !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                                  && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
        .AddHttpClientInstrumentation()
        .AddNpgsql();

    /// <summary>
    /// How many distinct sets of attributes a metric keeps (its points) before the rest are added up in one overflow
    /// point: 2,000 by OpenTelemetry's default, allocated up front for every metric, 144 KB each. A service measures
    /// about 110 metrics, so 16 MB of each process's heap, 19 MB with the other large objects, stayed allocated for
    /// points almost none of which were ever used (dotnet-gcdump of an idle service; issue 19's memory). The request
    /// durations (route × method × status) keep the default; every other metric has a handful of attribute sets
    /// (a message type, a pool, a generation) and keeps <see cref="DefaultCardinalityLimit"/>.
    /// </summary>
    public static MeterProviderBuilder AddJiaoLianTiCardinalityLimits(this MeterProviderBuilder metrics) =>
        metrics.AddView(instrument => new MetricStreamConfiguration { CardinalityLimit = CardinalityLimit(instrument.Name) });

    public const int DefaultCardinalityLimit = 200;
    public const int RequestCardinalityLimit = 2000;

    /// <summary>The metrics whose attributes include a route or an address: they keep OpenTelemetry's default.</summary>
    public static int CardinalityLimit(string instrument) => instrument is "http.server.request.duration"
        or "http.client.request.duration" or "http.client.request.time_in_queue" or "http.client.open_connections"
        ? RequestCardinalityLimit
        : DefaultCardinalityLimit;

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
/// Of the kept kinds, the share <c>ratio</c> of trace ids is kept (OpenTelemetry's trace-id ratio rule, the same in
/// every process), so a trace is kept or left out whole across the gateway, the service and its consumers.
/// </summary>
public sealed class QuietBackgroundSampler(double ratio = 1.0) : Sampler
{
    private readonly Sampler? share = ratio switch
    {
        >= 1.0 => null,
        >= 0.0 => new TraceIdRatioBasedSampler(ratio),
        _ => throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "Telemetry:TraceSampleRatio is a share from 0 to 1"),
    };

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind is not (System.Diagnostics.ActivityKind.Server or System.Diagnostics.ActivityKind.Consumer
            or System.Diagnostics.ActivityKind.Producer)
            ? new SamplingResult(SamplingDecision.Drop)
            : share?.ShouldSample(samplingParameters) ?? new SamplingResult(SamplingDecision.RecordAndSample);
}
