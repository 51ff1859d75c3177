using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// Telemetry:TraceSampleRatio (ServiceDefaults): a share of the traces is kept, the same ones in every process, so a
/// trace is kept or left out whole from the gateway through the service to its consumers; the process's own
/// housekeeping stays out whatever the share.
/// </summary>
public sealed class TraceSamplingTests
{
    private static readonly ActivitySource Source = new("JiaoLianTi.TraceSamplingTests");

    /// <summary>
    /// One process with the given share: it receives <paramref name="count"/> requests (or, with
    /// <paramref name="callers"/>, the gateway's calls carrying each trace's context and its keep-or-not flag) and
    /// returns each trace's context as it passes it on (the flag says whether it kept the trace) and what it exported.
    /// </summary>
    private static (List<ActivityContext> Passed, HashSet<ActivityTraceId> Exported) Process(double ratio, int count,
        IReadOnlyList<ActivityContext>? callers = null, ActivityKind kind = ActivityKind.Server)
    {
        var exported = new List<Activity>();
        var passed = new List<ActivityContext>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .AddJiaoLianTiTracing("TraceSamplingTests", ratio)
                   .AddSource(Source.Name)
                   .AddInMemoryExporter(exported)
                   .Build())
        {
            for (var i = 0; i < count; i++)
            {
                // A request from outside: a caller's context that was not sampled (a browser, the test client).
                var parent = callers?[i] ?? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(),
                    ActivityTraceFlags.None, isRemote: true);
                using var activity = Source.StartActivity("request", kind, parent);
                passed.Add(activity?.Context is { } context
                    ? new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags, isRemote: true)
                    : new ActivityContext(parent.TraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true));
            }
            provider.ForceFlush();
        }
        return (passed, [.. exported.Select(a => a.TraceId)]);
    }

    [Fact]
    public void Every_request_is_traced_by_default_and_the_processes_own_work_never()
    {
        var (passed, exported) = Process(1.0, 200);
        Assert.Equal(200, exported.Count);
        Assert.All(passed, c => Assert.Equal(ActivityTraceFlags.Recorded, c.TraceFlags));
        Assert.Empty(Process(1.0, 200, kind: ActivityKind.Client).Exported);
        Assert.Empty(Process(1.0, 200, kind: ActivityKind.Internal).Exported);
    }

    [Fact]
    public void A_share_keeps_the_same_traces_in_every_process()
    {
        var gateway = Process(0.1, 2000);
        var service = Process(0.1, 2000, gateway.Passed);
        // About a tenth (binomial, 2,000 draws: 200 ± 4 standard deviations)...
        Assert.InRange(gateway.Exported.Count, 150, 250);
        // ...and the same ones behind the gateway: a trace it left out is left out there too, a kept one is kept.
        Assert.Equal(gateway.Exported.OrderBy(t => t.ToString()), service.Exported.OrderBy(t => t.ToString()));
        Assert.Equal(gateway.Passed.Where(c => c.TraceFlags == ActivityTraceFlags.Recorded).Select(c => c.TraceId).OrderBy(t => t.ToString()),
            gateway.Exported.OrderBy(t => t.ToString()));
        Assert.Empty(Process(0.1, 2000, kind: ActivityKind.Client).Exported);
        Assert.Empty(Process(0.0, 200).Exported);
    }

    [Fact]
    public void A_share_outside_0_to_1_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuietBackgroundSampler(-0.5));
    }
}
