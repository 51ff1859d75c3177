using System.Diagnostics;
using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using JiaoLianTi.Platform.AlliancesReplica;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// What the exporter receives, with the services' own tracing setup (ServiceDefaults): a command's trace is whole,
/// from the gateway through the service, its SQL, the publish and the consuming service, while the event daemon's
/// polling (its high-water mark loop, its SQL) starts no trace at all; and with a share of the traces kept, a command
/// left out is left out by the services that consume its events too.
/// </summary>
[Collection(OpsCollection.Name)]
public sealed class TracingTests(OpsSystem system)
{
    [Fact]
    public async Task A_commands_trace_is_whole_and_the_daemons_polling_leaves_no_trace()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddJiaoLianTiTracing("Ops.Tests")
            .AddInMemoryExporter(exported)
            .Build();

        var county = "510106";
        var created = await system.Client(Role.CountyAdmin, county).Post("/api/alliances",
            new { name = "追踪测试教联体", kind = "Regional", countyCode = county, leadUnit = "教育局" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The consuming side: Activities takes AllianceEstablished (MassTransit's consume span, in the same trace).
        List<Activity> Snapshot() { lock (exported) return [.. exported]; }
        // The root: the gateway's span of the request (its parent is the test's own client, which is not exported).
        Activity? Root(List<Activity> all) => all.FirstOrDefault(a => a.Kind == ActivityKind.Server
            && a.GetTagItem("url.path") as string == "/api/alliances" && all.All(p => p.SpanId != a.ParentSpanId));
        var root = await Eventually.Until(() => Task.FromResult(Root(Snapshot())), a => a is not null);
        Assert.True(root is not null, string.Join("\n", Snapshot().Take(60).Select(a =>
            $"{a.Kind} {a.Source.Name} {a.DisplayName} parent={a.ParentSpanId} path={a.GetTagItem("url.path")}")));
        var trace = await Eventually.Until(() => Task.FromResult(Snapshot().Where(a => a.TraceId == root!.TraceId).ToList()),
            t => t.Any(a => a.Kind == ActivityKind.Consumer && a.Source.Name == "MassTransit")
                 && t.All(a => a == root || t.Any(p => p.SpanId == a.ParentSpanId))); // outer spans end (are exported) last

        Assert.Contains(trace, a => a.Kind == ActivityKind.Server && a != root); // the service behind the gateway
        Assert.Contains(trace, a => a.Source.Name == "Npgsql");                   // its SQL
        Assert.Contains(trace, a => a.DisplayName == "AllianceEstablished publish");
        Assert.Contains(trace, a => a.Kind == ActivityKind.Consumer && a.Source.Name == "MassTransit");
        // Whole: every span but the root has its parent exported too.
        var ids = trace.Select(a => a.SpanId).ToHashSet();
        Assert.All(trace.Where(a => a != root), a =>
            Assert.True(ids.Contains(a.ParentSpanId), $"{a.Source.Name} {a.DisplayName} has no exported parent"));

        // The daemon has polled many times meanwhile (the publish above is its work): none of its polling is a trace.
        var all = Snapshot();
        Assert.DoesNotContain(all, a => a.DisplayName.EndsWith(".daemon.highwatermark", StringComparison.Ordinal));
        // No client or internal span without an exported parent. A parent still running when the snapshot was taken
        // (another request or consumed message in flight: its SQL ended, it had not) is exported when it ends, so the
        // parents missing from the snapshot are looked for again; a root the process started by itself never comes.
        var spans = all.Select(a => a.SpanId).ToHashSet();
        var unparented = all.Where(a => !spans.Contains(a.ParentSpanId) && a.Kind is ActivityKind.Client or ActivityKind.Internal).ToList();
        var later = await Eventually.Until(() => Task.FromResult(Snapshot().Select(a => a.SpanId).ToHashSet()),
            exported => unparented.All(a => exported.Contains(a.ParentSpanId)));
        Assert.DoesNotContain(unparented, a => !later.Contains(a.ParentSpanId));
    }

    [Fact]
    public async Task A_command_whose_trace_is_left_out_is_left_out_by_its_consumers_too()
    {
        // The system keeps half the traces (OpsSystem). What every process recorded, seen without a say in it (this
        // listener samples nothing itself): the requests the gateway kept, and every consumer's span.
        var recorded = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.Recorded)
                {
                    lock (recorded) recorded.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var county = "510107";
        var units = new List<Guid>();
        for (var i = 0; i < 24; i++)
        {
            var created = await system.Client(Role.CountyAdmin, county).Post("/api/alliances/units",
                new { kind = "Museum", name = $"采样测试博物馆{i}", countyCode = county, contactOfficer = "张三", contactPhone = "13800000000" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            units.Add((await created.ReadJson()).Id());
        }
        List<Activity> Snapshot() { lock (recorded) return [.. recorded]; }
        // Every service that consumes MemberUnitRegistered has applied all 24 to its replica (its spans recorded or not).
        foreach (var service in new[] { "activities", "parentschool", "campussafety", "wellbeing" })
        {
            var store = system.Services(service).GetRequiredService<Marten.IDocumentStore>();
            await Eventually.Until(async () =>
            {
                await using var session = store.QuerySession();
                return (await session.LoadManyAsync<KnownUnit>(units)).Count;
            }, n => n == units.Count, TimeSpan.FromSeconds(60));
        }
        await Task.Delay(TimeSpan.FromSeconds(1)); // the consumers' spans end just after their commits
        // This test's events only (the ids of the units' events in Alliances' store): a message another test or a
        // periodic check published outside any request is rightly the root of a trace of its own.
        var events = new HashSet<string>();
        await using (var alliances = system.Services("alliances").GetRequiredService<Marten.IDocumentStore>().QuerySession())
        {
            foreach (var unit in units)
            {
                events.UnionWith((await alliances.Events.FetchStreamAsync(unit)).Select(e => e.Id.ToString()));
            }
        }
        var consumers = Snapshot().Where(a => a.Kind == ActivityKind.Consumer
            && a.GetTagItem("messaging.message.id") is string id && events.Contains(id)).ToList();
        // Some kept (a share of 0.5 over 24 commands: 2^-24 that none is).
        Assert.NotEmpty(consumers);
        // A consumer's span is recorded only within a trace a request started and kept: none starts a trace of its own.
        // Before, a message of a trace left out carried no trace context, and each consumer judged it as a new trace
        // and kept a share of those: two-span traces with no command above them.
        var roots = consumers.Where(c => c.ParentSpanId == default).ToList();
        Assert.True(roots.Count == 0, $"{roots.Count} of {consumers.Count} consumer spans started a trace of their own: "
            + string.Join(", ", roots.Take(5).Select(r => r.DisplayName)));
    }
}
