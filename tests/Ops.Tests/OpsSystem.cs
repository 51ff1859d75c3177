using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Observability;
using JiaoLianTi.TestKit;
using Marten;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// The whole system, sampled often (so that a test does not wait ten seconds for a gauge) and with a short lag
/// limit for the health check; half its traces kept; Activities with a hook on ResourceWithdrawn that a test can break, to make a consumer
/// fail for real and fill the error queue.
/// </summary>
public sealed class OpsSystem : TestSystem
{
    public OpsSystem()
    {
        WithSetting("Operations:SampleInterval", "00:00:00.200");
        WithSetting("Operations:Health:MaxLag", "00:00:02");
        // Half the traces kept, as a province keeps a share (TracingTests: a trace left out is left out whole).
        WithSetting(Microsoft.Extensions.Hosting.Extensions.TraceSampleRatioKey, "0.5");
        Configure("activities", services => services.AddAllianceFactHook<ResourceWithdrawn, BreakableHook>());
    }

    /// <summary>Resource ids whose withdrawal the hook refuses, as a consumer bug would.</summary>
    public static readonly ConcurrentDictionary<Guid, bool> Broken = new();

    /// <summary>How often the hook ran for a resource in a transaction that then committed.</summary>
    public static readonly ConcurrentDictionary<Guid, int> Applied = new();

    public sealed class BreakableHook : IAllianceFactHook<ResourceWithdrawn>
    {
        public Task AppliedAsync(ResourceWithdrawn fact, IDocumentSession session, CancellationToken ct)
        {
            if (Broken.ContainsKey(fact.ResourceId))
            {
                throw new InvalidOperationException($"测试故障 / injected fault for resource {fact.ResourceId}");
            }
            // Counted only once the effect commits with the message's id (the idempotency filter's transaction).
            session.Store(new AppliedMark { Id = Guid.NewGuid(), ResourceId = fact.ResourceId });
            return Task.CompletedTask;
        }
    }
}

/// <summary>A document the breakable hook leaves in the same transaction as the message's effect.</summary>
public sealed class AppliedMark
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
}

[CollectionDefinition(Name)]
public sealed class OpsCollection : ICollectionFixture<OpsSystem>
{
    public const string Name = "ops";
}

/// <summary>Records what the instruments of <see cref="OpsMetrics"/> measure, in this process.</summary>
public sealed class Measurements : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, string?> Tags)> all = [];

    public Measurements()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name is OpsMetrics.MeterName or Platform.Scheduling.PeriodicCheckMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString();
        }
        lock (all)
        {
            all.Add((instrument.Name, value, map));
        }
    }

    /// <summary>The sum of what <paramref name="instrument"/> counted with all of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags)
    {
        lock (all)
        {
            return all.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value))
                .Sum(m => m.Value);
        }
    }

    public int Count(string instrument, params (string Key, string Value)[] tags)
    {
        lock (all)
        {
            return all.Count(m => m.Instrument == instrument && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value));
        }
    }

    /// <summary>The gauges now: the latest observation of each.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, string?> Tags)> Observe(string instrument)
    {
        lock (all)
        {
            all.RemoveAll(m => m.Instrument == instrument);
        }
        listener.RecordObservableInstruments();
        lock (all)
        {
            return [.. all.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];
        }
    }

    public void Dispose() => listener.Dispose();
}
