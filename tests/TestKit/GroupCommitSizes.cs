using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using JiaoLianTi.Platform.Observability;

namespace JiaoLianTi.TestKit;

/// <summary>
/// The sizes a service records on <c>jlt.group_commit.size</c> (<see cref="OpsMetrics.GroupCommitted"/>) while this
/// listener is alive: each committed group's size, and each group that did not commit and was split into single messages.
/// </summary>
public sealed class GroupCommitSizes : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(int Size, string? Outcome)> seen = new();

    public GroupCommitSizes(string service)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Name: OpsMetrics.GroupCommitSize, Meter.Name: OpsMetrics.MeterName })
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            string? from = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "service") from = tag.Value as string;
                if (tag.Key == "outcome") outcome = tag.Value as string;
            }
            if (from == service)
            {
                seen.Enqueue((size, outcome));
            }
        });
        listener.Start();
    }

    public List<int> Committed => [.. seen.Where(s => s.Outcome == "committed").Select(s => s.Size)];

    public List<int> Split => [.. seen.Where(s => s.Outcome == "split").Select(s => s.Size)];

    public void Dispose() => listener.Dispose();
}
