using System.Diagnostics;

namespace JiaoLianTi.BenchKit;

/// <summary>Latencies of many concurrent operations, and their percentiles. Thread-safe.</summary>
public sealed class Latencies
{
    private readonly List<double> milliseconds = [];

    public int Count { get { lock (milliseconds) return milliseconds.Count; } }

    public void Add(TimeSpan elapsed)
    {
        lock (milliseconds) milliseconds.Add(elapsed.TotalMilliseconds);
    }

    /// <summary>Runs <paramref name="operation"/> and records how long it took.</summary>
    public async Task<T> Time<T>(Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await operation();
        }
        finally
        {
            Add(Stopwatch.GetElapsedTime(started));
        }
    }

    public double Percentile(double p)
    {
        lock (milliseconds)
        {
            if (milliseconds.Count == 0) return double.NaN;
            var sorted = milliseconds.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }

    public string Summary() =>
        $"p50 {Percentile(50):F1} ms, p95 {Percentile(95):F1} ms, p99 {Percentile(99):F1} ms, max {Percentile(100):F1} ms (n={Count})";
}
