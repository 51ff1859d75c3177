using System.Collections.Concurrent;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Observability;

/// <summary>A rebuild as the operations API shows it.</summary>
public sealed record RebuildStatus(
    string Projection, string State, string By, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Error);

/// <summary>
/// Rebuilds one async projection while the service runs (Marten's daemon: the projection's shard is stopped, its
/// documents and progress cleared, every event replayed, and the shard started again from where the store is). The
/// read model answers what it holds while the rebuild runs and is complete when it ends; progress is the shard's
/// position against the high-water mark (<see cref="EventFlowSampler"/>). One rebuild of a projection at a time.
/// </summary>
public sealed class ProjectionRebuilds(
    IProjectionCoordinator coordinator, IDocumentStore store, OpsMetrics metrics, TimeProvider clock,
    IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<ProjectionRebuilds> logger)
{
    private readonly ConcurrentDictionary<string, RebuildStatus> rebuilds = new();

    public IReadOnlyCollection<RebuildStatus> All => [.. rebuilds.Values];

    public RebuildStatus? Of(string projection) => rebuilds.GetValueOrDefault(projection);

    /// <summary>Starts the rebuild and returns at once; false when one of the same projection is running.</summary>
    public async Task<(bool Started, RebuildStatus Status)> StartAsync(string projection, string by, CancellationToken ct)
    {
        var status = new RebuildStatus(projection, "Running", by, clock.GetUtcNow(), null, null);
        var previous = rebuilds.GetValueOrDefault(projection);
        if (previous is { State: "Running" } || !(previous is null ? rebuilds.TryAdd(projection, status) : rebuilds.TryUpdate(projection, status, previous)))
        {
            return (false, rebuilds[projection]);
        }
        await OperationsLog.RecordAsync(store, metrics.Service, new ProjectionRebuildStarted(projection, by, status.StartedAt), ct);
        metrics.OpsAction("rebuild");
        _ = Task.Run(() => RunAsync(status), CancellationToken.None);
        return (true, status);
    }

    private async Task RunAsync(RebuildStatus status)
    {
        string? error = null;
        var timeout = configuration.GetValue("Operations:RebuildTimeout", TimeSpan.FromHours(1));
        try
        {
            var daemon = coordinator.DaemonForMainDatabase();
            await daemon.RebuildProjectionAsync(status.Projection, timeout, lifetime.ApplicationStopping);
            logger.LogInformation("Rebuilt projection {Projection}", status.Projection);
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            logger.LogError(e, "Rebuilding projection {Projection} failed", status.Projection);
        }
        var ended = status with { State = error is null ? "Succeeded" : "Failed", EndedAt = clock.GetUtcNow(), Error = error };
        long position = 0;
        try
        {
            var progress = await store.Advanced.AllProjectionProgress(token: CancellationToken.None);
            position = progress.Where(p => p.ShardName.StartsWith(status.Projection + ":", StringComparison.Ordinal))
                .Select(p => p.Sequence).DefaultIfEmpty(0).Max();
            await OperationsLog.RecordAsync(store, metrics.Service,
                new ProjectionRebuildEnded(status.Projection, position, error, ended.EndedAt!.Value), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Recording the end of the rebuild of {Projection} failed", status.Projection);
        }
        rebuilds[status.Projection] = ended;
    }
}
