using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Activities.Registrations;

namespace JiaoLianTi.Activities.Activities;

/// <summary>
/// 活动详情 / the activity as callers read it: the calendar's rows and the details page, with seats left and the
/// waitlist's length (an inline projection of the activity stream; the roster itself stays in the write model).
/// </summary>
public sealed class ActivityView
{
    public Guid Id { get; set; }
    public ActivityKind Kind { get; set; }
    public Guid? SchoolId { get; set; }
    public Guid? AllianceId { get; set; }
    public Guid? ResourceId { get; set; }
    public Guid? ResourceUnitId { get; set; }
    /// <summary>Names beside the ids, in the calendar (from the replica of Alliances' facts); not kept by the projection.</summary>
    public string? SchoolName { get; set; }
    public string? AllianceName { get; set; }
    public string? ResourceUnitName { get; set; }
    public string Title { get; set; } = "";
    public string Location { get; set; } = "";
    public bool OffCampus { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public int Seats { get; set; }
    public int Confirmed { get; set; }
    public int SeatsLeft => Math.Max(0, Seats - Confirmed);
    public int WaitlistLength { get; set; }
    public int MinAge { get; set; }
    public int MaxAge { get; set; }
    public string CountyCode { get; set; } = "";
    public IReadOnlyList<string> Topics { get; set; } = [];
    /// <summary>五育 it serves: as drafted, or for an activity from before dimensions, what its kind serves.</summary>
    /// (A document projected before dimensions existed has none stored: it reads what its kind serves.)
    public IReadOnlyList<Dimension> Dimensions
    {
        get => dimensions.Count > 0 ? dimensions : FiveEducations.ForKind(Kind);
        set => dimensions = value;
    }
    private IReadOnlyList<Dimension> dimensions = [];
    /// <summary>The base it uses (a resource of the catalogue), if any.</summary>
    public Guid? BaseId { get; set; }
    public ActivityStatus Status { get; set; }
    public string? CancelReason { get; set; }
    public string? SafetyPlanRejection { get; set; }
    /// <summary>Set while its alliance is suspended or dissolved: the county's flag (null otherwise).</summary>
    public AllianceFlag? AllianceFlag { get; set; }
    public DateTimeOffset? AllianceFlaggedAt { get; set; }
    /// <summary>While the safety plan waits for review: the review deadline (the start; unreviewed then, it is cancelled).</summary>
    public DateTimeOffset? SafetyPlanReviewDeadline { get; set; }
    /// <summary>When the school was told that the plan is still unreviewed.</summary>
    public DateTimeOffset? SafetyPlanReminderSentAt { get; set; }
    public int CheckedIn { get; set; }
    public int Attended { get; set; }

    /// <summary>The activity's own revision: its ETag (see <see cref="Activity.Revision"/>).</summary>
    public int Revision { get; set; }

    public static ActivityView Create(ActivityDrafted e) => new()
    {
        Id = e.ActivityId, Kind = e.Kind, SchoolId = e.SchoolId, AllianceId = e.AllianceId, ResourceId = e.ResourceId,
        ResourceUnitId = e.ResourceUnitId, Title = e.Title, Location = e.Location, OffCampus = e.OffCampus,
        StartsAt = e.StartsAt, EndsAt = e.EndsAt, Seats = e.Seats, MinAge = e.MinAge, MaxAge = e.MaxAge,
        CountyCode = e.CountyCode, Topics = e.Topics, Dimensions = e.Serves(), BaseId = e.BaseId,
        Status = ActivityStatus.Draft, Revision = 1,
    };

    public void Apply(SafetyPlanRequested e)
    {
        Status = ActivityStatus.AwaitingSafetyPlan; SafetyPlanRejection = null; SafetyPlanReviewDeadline = StartsAt; Revision++;
    }
    public void Apply(SafetyPlanApproved e) { SafetyPlanReviewDeadline = null; Revision++; }
    public void Apply(SafetyPlanRejected e) { Status = ActivityStatus.Draft; SafetyPlanRejection = e.Reasons; SafetyPlanReviewDeadline = null; Revision++; }
    public void Apply(SafetyPlanReviewReminderSent e) { SafetyPlanReminderSentAt = e.At; Revision++; }
    public void Apply(ActivityAllianceFlagged e) { AllianceFlag = e.Flag; AllianceFlaggedAt = e.At; Revision++; }
    public void Apply(ActivityAllianceFlagCleared e) { AllianceFlag = null; AllianceFlaggedAt = null; Revision++; }
    public void Apply(ActivityOpened e) { Status = ActivityStatus.Open; Revision++; }
    public void Apply(ActivityClosed e) { Status = ActivityStatus.Closed; Revision++; }
    public void Apply(ActivityCompleted e) { Status = ActivityStatus.Completed; Revision++; }
    public void Apply(ActivityCancelled e)
    {
        Status = ActivityStatus.Cancelled; CancelReason = e.Reason; SafetyPlanReviewDeadline = null; Revision++;
    }
    public void Apply(RegistrationConfirmed e) => Confirmed++;
    public void Apply(RegistrationWaitlisted e) => WaitlistLength++;
    public void Apply(WaitlistPromoted e) { Confirmed++; WaitlistLength--; }
    public void Apply(StudentCheckedIn e) => CheckedIn++;
    public void Apply(AttendanceRecorded e) { if (e.Attended) Attended++; }

    public void Apply(RegistrationCancelled e)
    {
        if (e.Was == RegistrationStatus.Confirmed) Confirmed--;
        else if (e.Was == RegistrationStatus.Waitlisted) WaitlistLength--;
    }
}
