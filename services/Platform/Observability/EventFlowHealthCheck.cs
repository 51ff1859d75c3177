using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JiaoLianTi.Platform.Observability;

/// <summary>
/// <c>/health</c> says Degraded (still 200: the service answers) when events stop flowing: the publisher or an async
/// projection is more than <c>Operations:Health:MaxLag</c> (default 1 minute) behind the store's newest event, a
/// message waits in the error queue, or the last sample could not be taken. Read from the last sample
/// (<see cref="EventFlowSampler"/>), so a probe costs nothing. <c>/alive</c> does not include it.
/// </summary>
public sealed class EventFlowHealthCheck(EventFlowSampler.Holder sampled, IConfiguration configuration) : IHealthCheck
{
    public const string Name = "event-flow";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var maxLag = configuration.GetValue("Operations:Health:MaxLag", TimeSpan.FromMinutes(1)).TotalSeconds;
        var sample = sampled.Current;
        var problems = new List<string>();
        problems.AddRange(sample.Shards.Where(s => s.LagSeconds > maxLag)
            .Select(s => $"{s.Name} 落后 {s.LagSeconds:0} 秒 / is {s.LagSeconds:0} s ({s.Behind} events) behind"));
        problems.AddRange(sample.Queues.Where(q => q.Kind == "error" && q.Messages > 0)
            .Select(q => $"错误队列 {q.Queue} 有 {q.Messages} 条消息 / {q.Messages} messages in {q.Queue}"));
        if (sample.Error is not null)
        {
            problems.Add($"采样失败 / sampling failed: {sample.Error}");
        }
        var data = new Dictionary<string, object>
        {
            ["sampledAt"] = sample.At, ["highWater"] = sample.HighWater,
        };
        foreach (var shard in sample.Shards)
        {
            data[$"lag:{shard.Name}"] = shard.LagSeconds;
        }
        foreach (var queue in sample.Queues)
        {
            data[$"queue:{queue.Queue}"] = queue.Messages;
        }
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("事件流通畅 / Events flow", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems), data: data));
    }
}
