using JiaoLianTi.Activities.Dimensions;

namespace JiaoLianTi.Activities.Activities;

/// <summary>The kinds of activity (docs/glossary.md, Activities).</summary>
public enum ActivityKind
{
    /// <summary>研学实践</summary>
    StudyTrip,
    /// <summary>社区实践课堂</summary>
    CommunityClass,
    /// <summary>志愿服务</summary>
    VolunteerService,
    /// <summary>名师课堂 / 专家讲座</summary>
    Lecture,
    /// <summary>体育 (体教互融)</summary>
    Sport,
}

/// <summary>
/// Draft -> (AwaitingSafetyPlan, off-campus only) -> Open -> Closed -> Completed; or Cancelled from any but Completed.
/// </summary>
public enum ActivityStatus { Draft, AwaitingSafetyPlan, Open, Closed, Completed, Cancelled }


// Internal events of the activity stream. Past tense, stream id first, time last. Registrations live in the
// activity's stream too (one stream orders every seat, so "never overbook" is a property of one stream); their events
// are in Registrations/RegistrationEvents.cs.

/// <param name="Dimensions">五育 it serves; null in activities drafted before dimensions existed (read from the kind,
/// <see cref="FiveEducations.ForKind"/>).</param>
/// <param name="BaseId">The base it uses (a resource of the catalogue: a patriotic education base, a science venue, a
/// labour education base), if any.</param>
public record ActivityDrafted(
    Guid ActivityId, ActivityKind Kind, Guid? SchoolId, Guid? AllianceId, Guid? ResourceId, Guid? ResourceUnitId,
    string Title, string Location, bool OffCampus, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Seats,
    int MinAge, int MaxAge, string CountyCode, IReadOnlyList<string> Topics, string DraftedBy, DateTimeOffset At,
    IReadOnlyList<Dimension>? Dimensions = null, Guid? BaseId = null)
{
    /// <summary>What it serves: as drafted, or for an activity from before dimensions, what its kind serves.</summary>
    public IReadOnlyList<Dimension> Serves() => Dimensions is { Count: > 0 } named ? named : FiveEducations.ForKind(Kind);
}

/// <summary>
/// What the integration events of an activity say about it; carried by the events that leave the service so that
/// publishing them reads nothing else. An activity's facts do not change after its draft.
/// </summary>
/// <param name="Dimensions">Null in the events of activities from before dimensions (read from the kind).</param>
public record ActivityFacts(
    ActivityKind Kind, Guid? SchoolId, Guid? AllianceId, Guid? ResourceId, string Title, string Location,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Seats, string CountyCode, IReadOnlyList<string> Topics,
    IReadOnlyList<Dimension>? Dimensions = null, Guid? BaseId = null)
{
    public IReadOnlyList<Dimension> Serves() => Dimensions is { Count: > 0 } named ? named : FiveEducations.ForKind(Kind);
}

public record SafetyPlanRequested(Guid ActivityId, ActivityFacts Facts, string Arrangements, string RequestedBy, DateTimeOffset At);

public record SafetyPlanApproved(Guid ActivityId, Guid PlanId, DateTimeOffset At);

public record SafetyPlanRejected(Guid ActivityId, Guid PlanId, string Reasons, DateTimeOffset At);

public record ActivityOpened(Guid ActivityId, ActivityFacts Facts, DateTimeOffset At);

public record ActivityClosed(Guid ActivityId, string ClosedBy, DateTimeOffset At);

public record ActivityCompleted(Guid ActivityId, ActivityFacts Facts, string CompletedBy, DateTimeOffset At);

/// <summary>
/// <paramref name="StudentIds"/>: the students (opaque ids) holding a seat or waiting for one when it was cancelled, so
/// that their families are told (the parents' messages); absent in events written before they were carried.
/// </summary>
public record ActivityCancelled(
    Guid ActivityId, string Reason, string CancelledBy, DateTimeOffset At, IReadOnlyList<Guid>? StudentIds = null);

/// <summary>
/// The alliance the activity runs under (or whose resource it uses) was suspended or dissolved while the activity was
/// still to take place: the county sees it flagged (<see cref="Flag"/> is the alliance's status then).
/// </summary>
public record ActivityAllianceFlagged(Guid ActivityId, Guid AllianceId, AllianceFlag Flag, DateTimeOffset At);

/// <summary>The suspended alliance was established again: the flag is lifted.</summary>
public record ActivityAllianceFlagCleared(Guid ActivityId, Guid AllianceId, DateTimeOffset At);

/// <summary>
/// The safety plan is still unreviewed a set time before the start: the school is told (and so is the county, on
/// its list of plans by review deadline). <paramref name="Deadline"/> is the start: unreviewed then, it is cancelled.
/// </summary>
public record SafetyPlanReviewReminderSent(Guid ActivityId, DateTimeOffset Deadline, DateTimeOffset At);

/// <summary>Why an activity is flagged for the county: its alliance's status.</summary>
public enum AllianceFlag { Suspended, Dissolved }
