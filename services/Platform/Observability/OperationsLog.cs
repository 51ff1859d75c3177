using JiaoLianTi.Platform.EventStore;
using Marten;

namespace JiaoLianTi.Platform.Observability;

// What an operator did to the running service, as events in the service's own store (one stream per service, the
// operations log): who, when, to which message or projection. They carry ids and names only, no domain data, and
// no integration event is mapped from them.

/// <summary>A message of the error queue was moved back to the service's queue.</summary>
public record FailedMessageRetried(
    Guid? MessageId, string MessageType, string Queue, string ErrorType, string By, DateTimeOffset At);

/// <summary>A message of the error queue was thrown away, for the reason given.</summary>
public record FailedMessageDiscarded(
    Guid? MessageId, string MessageType, string Queue, string ErrorType, string Reason, string By, DateTimeOffset At);

/// <summary>An operator started rebuilding an async projection.</summary>
public record ProjectionRebuildStarted(string Projection, string By, DateTimeOffset At);

/// <summary>The rebuild ended: caught up with the store (<paramref name="Error"/> null) or failed.</summary>
public record ProjectionRebuildEnded(string Projection, long Position, string? Error, DateTimeOffset At);

/// <summary>One entry of the operations log as <c>GET …/operations/log</c> shows it.</summary>
public sealed record OperationsLogEntry(long Version, string Type, DateTimeOffset At, object Data);

public static class OperationsLog
{
    private static readonly Guid Scope = Guid.Parse("6f1d7c1e-3b0a-4c55-9d8e-0a11c0e0a5b1");

    /// <summary>The operations log's stream of this service.</summary>
    public static Guid StreamOf(string service) => NameBasedIds.Create(Scope, service);

    public static async Task RecordAsync(IDocumentStore store, string service, object entry, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Events.Append(StreamOf(service), entry);
        await session.SaveChangesAsync(ct);
    }

    public static async Task<IReadOnlyList<OperationsLogEntry>> ReadAsync(IDocumentStore store, string service, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(StreamOf(service), token: ct);
        return [.. events.OrderByDescending(e => e.Version).Take(200)
            .Select(e => new OperationsLogEntry(e.Version, e.EventTypeName, e.Timestamp, e.Data))];
    }
}
