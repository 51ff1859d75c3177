using System.Globalization;
using System.Reflection;
using System.Text.Json;
using JasperFx.Events;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using MassTransit.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// 集成事件回放源 The replay feed: <c>GET /internal/integration-events?after=&amp;since=&amp;types=&amp;limit=</c>, for the
/// <see cref="Role.EventRelay"/> service account only (the Subscriptions service replays a subscriber from it). It reads
/// the service's own event store, the one source of truth, in sequence order, and maps each event with the same
/// <see cref="IIntegrationEventMap"/> the live publisher (<see cref="IntegrationEventPublisher"/>) uses: an item's
/// <c>id</c> is the Marten event id, which is the MessageId of the live publish, so a subscriber that gets an event
/// both ways can tell. Only events at or below a position with no gap under it are read (<see cref="CeilingAsync"/>):
/// an event of a transaction still open (its sequence taken, not yet committed) is never skipped by a page that read
/// past it.
/// <para>
/// The answer is <c>{ items: [ { position, id, type, time, streamId, streamVersion, data } ], next, head }</c>. <c>next</c>
/// is the position to send as <c>after</c> for the following page; when it equals the <c>after</c> that was sent, the
/// feed has nothing more for now. <c>head</c> is the highest position committed when the page was read: every event
/// committed before the request was sent is at or below it. A reader that needs all of those (a replay) reads on,
/// asking again, until <c>next</c> reaches its first page's <c>head</c>: an event published at its commit
/// (<see cref="PublishOnCommit"/>) can be above the ceiling for a moment, until the transactions below it commit.
/// A page holds at most <c>limit</c> items (1–1000, default 100) and looks at most
/// <see cref="MaxScanned"/> stored events, so a narrow <c>types</c> filter may return fewer items (even none) with
/// <c>next</c> moved on. The gateway does not route <c>/internal</c>: the feed is reached inside the deployment only.
/// </para>
/// </summary>
public static class IntegrationFeed
{
    public const string Path = "/internal/integration-events";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    /// <summary>How many stored events one request looks at, at most (most are internal and never leave).</summary>
    public const int MaxScanned = 5000;
    private const int ScanPage = 500;

    /// <summary>One integration event as the feed gives it.</summary>
    public sealed record FeedItem(
        long Position, Guid Id, string Type, DateTimeOffset Time, Guid StreamId, long StreamVersion, JsonElement Data);

    /// <summary>A page: its items, the <c>after</c> of the next page, and the highest position committed when it was read.</summary>
    public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long Next, long Head);

    /// <summary>
    /// Maps the feed of this service; <typeparamref name="TContract"/> is any contract of the service's Contracts
    /// assembly, whose records are the event types <c>types</c> may name.
    /// </summary>
    public static RouteHandlerBuilder MapIntegrationFeed<TContract>(this IEndpointRouteBuilder app)
    {
        var known = ContractTypes(typeof(TContract).Assembly).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return app.MapGet(Path, (HttpContext http, IDocumentStore store, IIntegrationEventMap map, CancellationToken ct) =>
                ReadAsync(http.Request.Query, known, store, map, ct))
            .RequireAuthorization(OperatorSeparation.EventRelayPolicy)
            .ExcludeFromDescription();
    }

    /// <summary>The integration events of a Contracts assembly: its public records (static classes of codes are not).</summary>
    public static IEnumerable<Type> ContractTypes(Assembly contracts) => contracts.GetExportedTypes()
        .Where(t => t.IsClass && t.Namespace?.EndsWith(".Contracts", StringComparison.Ordinal) == true
            && t.GetMethod("<Clone>$") is not null);

    /// <summary>The request's query, read strictly: each field once, well formed, in range; otherwise a 400 naming it.</summary>
    public sealed record FeedQuery(long After, DateTimeOffset? Since, IReadOnlySet<string>? Types, int Limit)
    {
        public static FeedQuery Parse(IQueryCollection query, IReadOnlySet<string> known)
        {
            var validation = new Validation();
            foreach (var key in query.Keys.Where(k => k is not ("after" or "since" or "types" or "limit")))
            {
                validation.Check(false, key, "未知参数 / is not a parameter of this feed (after, since, types, limit)");
            }
            string? One(string name)
            {
                var values = query[name];
                validation.Check(values.Count <= 1, name, "只能给一次 / may be given once");
                return values.Count == 0 ? null : values[0];
            }
            long after = 0;
            if (One("after") is { } afterText)
            {
                validation.Check(long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after),
                    "after", "须为不小于 0 的整数（上一页的 next）/ must be a whole number of 0 or more (the previous page's next)");
            }
            DateTimeOffset? since = null;
            if (One("since") is { } sinceText)
            {
                var ok = DateTimeOffset.TryParseExact(sinceText, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd"],
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed);
                validation.Check(ok, "since", "须为 ISO 8601 时间，如 2026-11-30T08:00:00Z / must be an ISO 8601 time such as 2026-11-30T08:00:00Z");
                since = ok ? parsed : null;
            }
            HashSet<string>? types = null;
            if (One("types") is { } typesText)
            {
                types = typesText.Split(',').ToHashSet(StringComparer.Ordinal);
                var unknown = types.Where(t => !known.Contains(t)).ToArray();
                validation.Check(unknown.Length == 0, "types",
                    $"未知的事件类型 / not an integration event of this service: {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
            }
            var limit = DefaultLimit;
            if (One("limit") is { } limitText)
            {
                validation.Check(int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit)
                    && limit is >= 1 and <= MaxLimit, "limit", $"须在 1 到 {MaxLimit} 之间 / must be from 1 to {MaxLimit}");
            }
            validation.ThrowIfInvalid();
            return new FeedQuery(after, since, types, limit);
        }
    }

    private static async Task<IResult> ReadAsync(
        IQueryCollection query, IReadOnlySet<string> known, IDocumentStore store, IIntegrationEventMap map, CancellationToken ct)
    {
        var request = FeedQuery.Parse(query, known);
        return Results.Ok(await ReadAsync(request, store, map, ct));
    }

    /// <summary>One page of the feed (see the class).</summary>
    public static async Task<FeedPage> ReadAsync(FeedQuery request, IDocumentStore store, IIntegrationEventMap map, CancellationToken ct)
    {
        var (ceiling, head) = await CeilingAsync(store, ct);
        var items = new List<FeedItem>();
        var position = request.After;
        var scanned = 0;
        await using var session = store.QuerySession();
        while (position < ceiling && scanned < MaxScanned && items.Count < request.Limit)
        {
            var from = position;
            var events = session.Events.QueryAllRawEvents().Where(e => e.Sequence > from && e.Sequence <= ceiling);
            if (request.Since is { } since)
            {
                events = events.Where(e => e.Timestamp >= since);
            }
            var page = await events.OrderBy(e => e.Sequence).Take(Math.Min(ScanPage, MaxScanned - scanned)).ToListAsync(ct);
            if (page.Count == 0)
            {
                position = ceiling;
                break;
            }
            foreach (var @event in page)
            {
                scanned++;
                position = @event.Sequence;
                if (map.ToIntegrationEvent(@event) is not { } message
                    || (request.Types is { } types && !types.Contains(message.GetType().Name)))
                {
                    continue;
                }
                items.Add(new FeedItem(@event.Sequence, @event.Id, message.GetType().Name, @event.Timestamp, @event.StreamId,
                    @event.Version, JsonSerializer.SerializeToElement(message, message.GetType(), SystemTextJsonMessageSerializer.Options)));
                if (items.Count == request.Limit)
                {
                    break;
                }
            }
        }
        return new FeedPage(items, Math.Max(position, request.After), head);
    }

    /// <summary>How many positions above the daemon's mark one request looks at for the run without a gap.</summary>
    private const int GaplessScan = 10_000;

    /// <summary>
    /// The ceiling, the highest position at or below which every event that will ever be committed is committed; and
    /// the head, the highest position committed now. The ceiling starts at Marten's high-water mark (kept by the async
    /// daemon every service runs for its publisher, which passes a gap it judges stale: a transaction rolled back) and
    /// goes on up the run of positions above it that are all committed: a missing one is a transaction still open, or
    /// one rolled back that the mark has not passed yet. So an event committed a moment ago is in the feed without
    /// waiting for the daemon to record its next mark.
    /// </summary>
    private static async Task<(long Ceiling, long Head)> CeilingAsync(IDocumentStore store, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // Along the run without a gap, seq_id - n (its place in the run) equals the mark; from the first gap on it is larger.
        command.CommandText = $"""
            with mark as (
                select coalesce((select last_seq_id from {schema}.mt_event_progression where name = 'HighWaterMark'), 0) as at),
            above as (
                select e.seq_id, row_number() over (order by e.seq_id) as n
                from (select seq_id from {schema}.mt_events where seq_id > (select at from mark) order by seq_id limit {GaplessScan}) e)
            select (select at from mark) + (select count(*) from above where seq_id - n = (select at from mark)),
                   coalesce((select max(seq_id) from {schema}.mt_events), 0)
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
