using JasperFx;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using Marten;
using Marten.Exceptions;

namespace JiaoLianTi.Activities.Activities;

/// <summary>
/// 场地日程: one document per resource that serialises the openings of activities at it. Opening an activity at a
/// venue reads the seats the other activities there hold at overlapping times and bumps this document in the same
/// transaction (optimistic concurrency): two activities opening at once at one venue cannot both count on the same
/// free places, the second is decided again on what the first committed.
/// </summary>
public sealed class VenueCalendar
{
    public Guid Id { get; set; }
    /// <summary>How many openings it has serialised (the number itself means nothing; its change does).</summary>
    public long Openings { get; set; }
}

public static class Venues
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// Seats held at <paramref name="resourceId"/> between <paramref name="startsAt"/> and <paramref name="endsAt"/>
    /// by activities other than <paramref name="except"/>: those asking for a safety plan, open, closed or completed.
    /// A draft holds none, nor does a cancelled activity.
    /// </summary>
    public static async Task<int> SeatsHeldAsync(IQuerySession session, Guid resourceId, Guid except,
        DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken ct)
    {
        var seats = await session.Query<ActivityView>()
            .Where(a => a.ResourceId == resourceId && a.Id != except && a.StartsAt < endsAt && a.EndsAt > startsAt
                && a.Status != ActivityStatus.Draft && a.Status != ActivityStatus.Cancelled)
            .Select(a => a.Seats)
            .ToListAsync(ct);
        return seats.Sum();
    }

    /// <summary>
    /// Opens (or sends for its safety plan) an activity at a venue: decides with the venue's load and commits the
    /// events together with the venue's calendar. Returns the activity's state after the commit.
    /// </summary>
    public static async Task<Activity> OpenAsync(IDocumentStore store, Guid activityId, Guid resourceId,
        Func<Activity, VenueLoad?, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Activity>(activityId, ct);
            var state = stream.Aggregate ?? throw Scope.NotFound(activityId);
            var resource = await session.LoadAsync<KnownResource>(resourceId, ct);
            var calendar = await session.LoadAsync<VenueCalendar>(resourceId, ct);
            VenueLoad? load = resource is null
                ? null
                : new VenueLoad(resource.Capacity,
                    await SeatsHeldAsync(session, resourceId, activityId, state.StartsAt, state.EndsAt, ct));
            var events = decide(state, load);
            if (events.Count == 0)
            {
                return state;
            }
            stream.AppendMany(events.ToArray());
            if (calendar is null)
            {
                session.Insert(new VenueCalendar { Id = resourceId, Openings = 1 });
            }
            else
            {
                calendar.Openings++;
                session.Update(calendar);
            }
            try
            {
                await session.SaveChangesAsync(ct);
                return events.Aggregate(state, (s, e) => s.Then(e));
            }
            catch (Exception race) when (race is ConcurrencyException or DocumentAlreadyExistsException
                && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                // Another opening at this venue (or a write to this activity) committed first: decide again.
            }
        }
    }

    /// <summary>The status of an alliance as the replica knows it (null when the activity has none or it is unknown).</summary>
    public static async Task<KnownAllianceStatus?> AllianceStatusAsync(IQuerySession session, Guid? allianceId, CancellationToken ct) =>
        allianceId is { } id ? (await session.LoadAsync<KnownAlliance>(id, ct))?.Status : null;
}
