using System.Collections.Immutable;
using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.Activities.Activities;

/// <summary>One student's place in an activity: <paramref name="Version"/> is that registration's own ETag.</summary>
public sealed record Seat(
    RegistrationStatus Status, long Sequence, int Version, Guid? SchoolId, DateTimeOffset? CheckedInAt, bool? Attended)
{
    /// <summary>The guardian who consented (their token's subject), if one did; only they may withdraw it.</summary>
    public string? ConsentGivenBy { get; init; }
    public DateTimeOffset? ConsentWithdrawnAt { get; init; }
}

/// <summary>
/// The activity stream's state (the write model, an inline snapshot): the activity and every seat of it.
/// <see cref="Revision"/> counts changes to the activity itself, not to its registrations: it is the activity's ETag,
/// so that a storm of registrations does not make an organiser's If-Match stale.
/// </summary>
public sealed record Activity(
    Guid Id, ActivityKind Kind, Guid? SchoolId, Guid? AllianceId, Guid? ResourceId, Guid? ResourceUnitId,
    string Title, string Location, bool OffCampus, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Seats,
    int MinAge, int MaxAge, string CountyCode, IReadOnlyList<string> Topics, ActivityStatus Status, int Revision)
{
    /// <summary>The stream version, set by Marten.</summary>
    public long Version { get; set; }

    /// <summary>五育 it serves (for an activity from before dimensions, what its kind serves).</summary>
    /// (A snapshot from before dimensions has none stored: it reads what its kind serves.)
    public IReadOnlyList<Dimension> Dimensions
    {
        get => dimensions.Count > 0 ? dimensions : FiveEducations.ForKind(Kind);
        init => dimensions = value;
    }
    private readonly IReadOnlyList<Dimension> dimensions = [];
    /// <summary>The base it uses (a resource of the catalogue), if any.</summary>
    public Guid? BaseId { get; init; }
    public string? CancelReason { get; init; }
    public string? Arrangements { get; init; }
    public string? SafetyPlanRejection { get; init; }
    public bool SafetyPlanApproved { get; init; }
    /// <summary>When the school was told that the plan is still unreviewed (null: not yet).</summary>
    public DateTimeOffset? SafetyPlanReminderSentAt { get; init; }
    /// <summary>Set while the alliance it runs under is suspended or dissolved (the county's flag).</summary>
    public AllianceFlag? AllianceFlag { get; init; }
    public long NextSequence { get; init; } = 1;
    public int ConfirmedCount { get; init; }
    public ImmutableDictionary<Guid, Seat> Roster { get; init; } = ImmutableDictionary<Guid, Seat>.Empty;
    public ImmutableList<Guid> Waitlist { get; init; } = ImmutableList<Guid>.Empty;

    public ActivityFacts Facts() =>
        new(Kind, SchoolId, AllianceId, ResourceId, Title, Location, StartsAt, EndsAt, Seats, CountyCode, Topics,
            Dimensions, BaseId);

    public int SeatsLeft => Math.Max(0, Seats - ConfirmedCount);

    /// <summary>1-based place on the waitlist, or null.</summary>
    public int? WaitlistPosition(Guid studentId)
    {
        var index = Waitlist.IndexOf(studentId);
        return index < 0 ? null : index + 1;
    }

    public static Activity Create(ActivityDrafted e) =>
        new(e.ActivityId, e.Kind, e.SchoolId, e.AllianceId, e.ResourceId, e.ResourceUnitId, e.Title, e.Location,
            e.OffCampus, e.StartsAt, e.EndsAt, e.Seats, e.MinAge, e.MaxAge, e.CountyCode, e.Topics,
            ActivityStatus.Draft, 1) { Dimensions = e.Serves(), BaseId = e.BaseId };

    public Activity Apply(SafetyPlanRequested e) =>
        this with { Status = ActivityStatus.AwaitingSafetyPlan, Arrangements = e.Arrangements, SafetyPlanRejection = null, Revision = Revision + 1 };

    public Activity Apply(SafetyPlanReviewReminderSent e) => this with { SafetyPlanReminderSentAt = e.At, Revision = Revision + 1 };

    public Activity Apply(ActivityAllianceFlagged e) => this with { AllianceFlag = e.Flag, Revision = Revision + 1 };

    public Activity Apply(ActivityAllianceFlagCleared e) => this with { AllianceFlag = null, Revision = Revision + 1 };

    public Activity Apply(SafetyPlanApproved e) => this with { SafetyPlanApproved = true, Revision = Revision + 1 };

    public Activity Apply(SafetyPlanRejected e) =>
        this with { Status = ActivityStatus.Draft, SafetyPlanRejection = e.Reasons, Revision = Revision + 1 };

    public Activity Apply(ActivityOpened e) => this with { Status = ActivityStatus.Open, Revision = Revision + 1 };

    public Activity Apply(ActivityClosed e) => this with { Status = ActivityStatus.Closed, Revision = Revision + 1 };

    public Activity Apply(ActivityCompleted e) => this with { Status = ActivityStatus.Completed, Revision = Revision + 1 };

    public Activity Apply(ActivityCancelled e) =>
        this with { Status = ActivityStatus.Cancelled, CancelReason = e.Reason, Revision = Revision + 1 };

    public Activity Apply(RegistrationConfirmed e) => this with
    {
        Roster = Roster.SetItem(e.StudentId, new Seat(RegistrationStatus.Confirmed, e.Sequence, Next(e.StudentId), e.Student.SchoolId, null, null) { ConsentGivenBy = e.Student.ConsentGivenBy }),
        ConfirmedCount = ConfirmedCount + 1,
        NextSequence = e.Sequence + 1,
    };

    public Activity Apply(RegistrationWaitlisted e) => this with
    {
        Roster = Roster.SetItem(e.StudentId, new Seat(RegistrationStatus.Waitlisted, e.Sequence, Next(e.StudentId), e.Student.SchoolId, null, null) { ConsentGivenBy = e.Student.ConsentGivenBy }),
        Waitlist = Waitlist.Add(e.StudentId),
        NextSequence = e.Sequence + 1,
    };

    public Activity Apply(WaitlistPromoted e) => this with
    {
        Roster = Roster.SetItem(e.StudentId, Roster[e.StudentId] with { Status = RegistrationStatus.Confirmed, Version = Roster[e.StudentId].Version + 1 }),
        Waitlist = Waitlist.Remove(e.StudentId),
        ConfirmedCount = ConfirmedCount + 1,
    };

    public Activity Apply(RegistrationCancelled e)
    {
        var seat = Roster[e.StudentId];
        return this with
        {
            Roster = Roster.SetItem(e.StudentId, seat with { Status = RegistrationStatus.Cancelled, Version = seat.Version + 1 }),
            Waitlist = seat.Status == RegistrationStatus.Waitlisted ? Waitlist.Remove(e.StudentId) : Waitlist,
            ConfirmedCount = seat.Status == RegistrationStatus.Confirmed ? ConfirmedCount - 1 : ConfirmedCount,
        };
    }

    public Activity Apply(ConsentWithdrawn e) =>
        this with { Roster = Roster.SetItem(e.StudentId, Roster[e.StudentId] with { ConsentWithdrawnAt = e.At, Version = Roster[e.StudentId].Version + 1 }) };

    public Activity Apply(StudentCheckedIn e) =>
        this with { Roster = Roster.SetItem(e.StudentId, Roster[e.StudentId] with { CheckedInAt = e.At, Version = Roster[e.StudentId].Version + 1 }) };

    public Activity Apply(AttendanceRecorded e) =>
        this with { Roster = Roster.SetItem(e.StudentId, Roster[e.StudentId] with { Attended = e.Attended, Version = Roster[e.StudentId].Version + 1 }) };

    /// <summary>
    /// Evolves the state by one event, with the Apply methods above (those Marten uses), for the writer that decides
    /// several commands against one loaded state. An event without an Apply here throws.
    /// </summary>
    public Activity Then(object @event) => Evolution<Activity>.Apply(this, @event);

    /// <summary>A registration's next version: a re-registration after a cancellation continues the count.</summary>
    private int Next(Guid studentId) => Roster.TryGetValue(studentId, out var seat) ? seat.Version + 1 : 1;
}
