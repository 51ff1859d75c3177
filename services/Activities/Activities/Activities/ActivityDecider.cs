using JiaoLianTi.Platform.Http;
using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Platform.AlliancesReplica;

namespace JiaoLianTi.Activities.Activities;

/// <summary>A resource as Activities knows it from Alliances' events, as a command carries it.</summary>
public sealed record ResourceTerms(Guid ResourceId, Guid AllianceId, Guid UnitId, int Capacity, bool Withdrawn);

/// <summary>
/// What a venue already holds at an activity's time: <paramref name="SeatsHeld"/> are the seats of the other activities
/// at the same resource whose times overlap it and that hold their seats (asking for a safety plan, open, closed or
/// completed). Together with the activity's own they may not exceed <paramref name="Capacity"/>.
/// </summary>
public sealed record VenueLoad(int Capacity, int SeatsHeld);

/// <param name="AllianceStatus">The status of the alliance it runs under (or whose resource it uses), if any.</param>
/// <param name="Dimensions">五育 it serves, as the organiser named them (none: what its kind serves).</param>
/// <param name="BaseId">The base it uses (a resource of the catalogue), if named; else its resource, if any.</param>
public record DraftActivity(
    Guid ActivityId, ActivityKind Kind, Guid? SchoolId, Guid? AllianceId, ResourceTerms? Resource, string Title,
    string Location, bool OffCampus, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Seats, int MinAge, int MaxAge,
    string CountyCode, IReadOnlyList<string> Topics, string By, DateTimeOffset Now,
    KnownAllianceStatus? AllianceStatus = null, IReadOnlyList<Dimension>? Dimensions = null, Guid? BaseId = null);

/// <param name="AllianceStatus">The status of its alliance now, if it has one.</param>
/// <param name="Venue">What its resource already holds at its time, if it uses one.</param>
public record OpenActivity(Guid ActivityId, int ExpectedRevision, string? Arrangements, string By, DateTimeOffset Now,
    KnownAllianceStatus? AllianceStatus = null, VenueLoad? Venue = null);

/// <summary>Alliances suspended, dissolved or re-established the alliance the activity runs under.</summary>
public record ReflectAllianceStatus(Guid ActivityId, Guid AllianceId, KnownAllianceStatus Status, DateTimeOffset Now);

/// <summary>The periodic check's look at an activity whose safety plan is unreviewed: remind, or cancel at the start.</summary>
public record CheckSafetyPlanReview(Guid ActivityId, TimeSpan NoticeBefore, DateTimeOffset Now);
public record ApproveSafetyPlan(Guid ActivityId, Guid PlanId, DateTimeOffset Now);
public record RejectSafetyPlan(Guid ActivityId, Guid PlanId, string Reasons, DateTimeOffset Now);
public record CloseActivity(Guid ActivityId, int ExpectedRevision, string By, DateTimeOffset Now);
public record CompleteActivity(Guid ActivityId, int ExpectedRevision, string By, DateTimeOffset Now);
/// <summary><paramref name="ExpectedRevision"/> is null when the service itself cancels (a resource withdrawn).</summary>
public record CancelActivity(Guid ActivityId, int? ExpectedRevision, string Reason, string By, DateTimeOffset Now);

/// <summary>The activity's business rules, pure: state and command in, events out (or a refusal).</summary>
public static class ActivityDecider
{
    public static IReadOnlyList<object> Decide(DraftActivity c, Activity? state)
    {
        if (state is not null)
        {
            throw new RuleViolation("activity-exists", $"活动 {c.ActivityId} 已存在 / The activity already exists.");
        }
        if (c.StartsAt <= c.Now)
        {
            throw new RuleViolation("schedule-in-past", "活动开始时间已过 / The activity cannot start in the past.");
        }
        if (c.EndsAt <= c.StartsAt)
        {
            throw new RuleViolation("schedule-invalid", "结束时间须晚于开始时间 / The activity must end after it starts.");
        }
        NotUnderEndedAlliance(c.AllianceStatus);
        if (c.Resource is { } resource)
        {
            if (resource.Withdrawn)
            {
                throw new RuleViolation("resource-withdrawn", "资源已撤回 / The resource has been withdrawn.");
            }
            if (c.Seats > resource.Capacity)
            {
                throw new RuleViolation("seats-over-capacity",
                    $"名额 {c.Seats} 超过资源容量 {resource.Capacity} / {c.Seats} seats is more than the resource holds ({resource.Capacity}).");
            }
        }
        return
        [
            new ActivityDrafted(c.ActivityId, c.Kind, c.SchoolId, c.AllianceId ?? c.Resource?.AllianceId,
                c.Resource?.ResourceId, c.Resource?.UnitId, c.Title.Trim(), c.Location.Trim(), c.OffCampus, c.StartsAt,
                c.EndsAt, c.Seats, c.MinAge, c.MaxAge, c.CountyCode, c.Topics, c.By, c.Now,
                c.Dimensions is { Count: > 0 } named ? FiveEducations.Normalise(named) : FiveEducations.ForKind(c.Kind),
                c.BaseId ?? c.Resource?.ResourceId),
        ];
    }

    public static IReadOnlyList<object> Decide(OpenActivity c, Activity state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status != ActivityStatus.Draft)
        {
            throw NotIn(state, "开放报名 / open");
        }
        if (state.StartsAt <= c.Now)
        {
            throw new RuleViolation("schedule-in-past", "活动开始时间已过 / The activity cannot open: its start is in the past.");
        }
        NotUnderEndedAlliance(c.AllianceStatus);
        if (c.Venue is { } venue && venue.SeatsHeld + state.Seats > venue.Capacity)
        {
            throw new RuleViolation("venue-capacity-taken",
                $"同一时段该场地已被其他活动占用 {venue.SeatsHeld} 个名额，容量 {venue.Capacity}，本活动 {state.Seats} 个名额放不下 / " +
                $"Other activities at this venue at overlapping times already hold {venue.SeatsHeld} of its {venue.Capacity} places: {state.Seats} more do not fit.");
        }
        if (state.OffCampus && !state.SafetyPlanApproved)
        {
            var arrangements = c.Arrangements ?? state.Arrangements;
            if (string.IsNullOrWhiteSpace(arrangements))
            {
                throw new RuleViolation("safety-plan-arrangements-required",
                    "校外活动须填写安全预案（交通、带队、应急联系人、保险） / An off-campus activity needs its safety arrangements to be reviewed.");
            }
            return [new SafetyPlanRequested(c.ActivityId, state.Facts(), arrangements.Trim(), c.By, c.Now)];
        }
        return [new ActivityOpened(c.ActivityId, state.Facts(), c.Now)];
    }

    public static IReadOnlyList<object> Decide(ApproveSafetyPlan c, Activity state) => state.Status switch
    {
        // Late or repeated answers change nothing: the plan was answered, or the activity has moved on.
        ActivityStatus.AwaitingSafetyPlan when state.StartsAt > c.Now =>
            [new SafetyPlanApproved(c.ActivityId, c.PlanId, c.Now), new ActivityOpened(c.ActivityId, state.Facts(), c.Now)],
        ActivityStatus.AwaitingSafetyPlan =>
            [new SafetyPlanApproved(c.ActivityId, c.PlanId, c.Now)],
        _ => [],
    };

    public static IReadOnlyList<object> Decide(RejectSafetyPlan c, Activity state) => state.Status switch
    {
        ActivityStatus.AwaitingSafetyPlan => [new SafetyPlanRejected(c.ActivityId, c.PlanId, c.Reasons, c.Now)],
        _ => [],
    };

    public static IReadOnlyList<object> Decide(CloseActivity c, Activity state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status != ActivityStatus.Open)
        {
            throw NotIn(state, "截止报名 / close");
        }
        return [new ActivityClosed(c.ActivityId, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CompleteActivity c, Activity state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status is not (ActivityStatus.Open or ActivityStatus.Closed))
        {
            throw NotIn(state, "完成 / complete");
        }
        if (c.Now < state.StartsAt)
        {
            throw new RuleViolation("not-started", "活动尚未开始，不能完成 / An activity that has not started cannot be completed.");
        }
        return [new ActivityCompleted(c.ActivityId, state.Facts(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CancelActivity c, Activity state)
    {
        if (c.ExpectedRevision is { } expected)
        {
            Fresh(state, expected);
        }
        if (state.Status is ActivityStatus.Completed or ActivityStatus.Cancelled)
        {
            if (c.ExpectedRevision is null)
            {
                return [];
            }
            throw NotIn(state, "取消 / cancel");
        }
        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            throw new RuleViolation("reason-required", "取消须说明原因 / A cancellation needs a reason.");
        }
        return [new ActivityCancelled(c.ActivityId, c.Reason.Trim(), c.By, c.Now, Registered(state))];
    }

    /// <summary>
    /// A suspended or dissolved alliance flags the activities still to take place under it (for the county); one
    /// established again lifts the flag. Activities that took place or were cancelled are left as they are.
    /// </summary>
    public static IReadOnlyList<object> Decide(ReflectAllianceStatus c, Activity state)
    {
        if (state.Status is ActivityStatus.Completed or ActivityStatus.Cancelled)
        {
            return [];
        }
        AllianceFlag? flag = c.Status switch
        {
            KnownAllianceStatus.Suspended => AllianceFlag.Suspended,
            KnownAllianceStatus.Dissolved => AllianceFlag.Dissolved,
            _ => null,
        };
        if (flag == state.AllianceFlag || state.AllianceFlag == AllianceFlag.Dissolved)
        {
            return [];
        }
        return flag is { } f
            ? [new ActivityAllianceFlagged(c.ActivityId, c.AllianceId, f, c.Now)]
            : [new ActivityAllianceFlagCleared(c.ActivityId, c.AllianceId, c.Now)];
    }

    /// <summary>The students holding a seat or waiting for one, in the order they registered: whom a cancellation concerns.</summary>
    private static IReadOnlyList<Guid> Registered(Activity state) =>
    [
        .. state.Roster
            .Where(seat => seat.Value.Status is RegistrationStatus.Confirmed or RegistrationStatus.Waitlisted)
            .OrderBy(seat => seat.Value.Sequence)
            .Select(seat => seat.Key),
    ];

    public const string SafetyPlanNotReviewedReason =
        "安全预案未能在活动开始前完成审核，活动已取消 / The safety plan was not reviewed before the start: the activity is cancelled.";

    /// <summary>
    /// An unreviewed safety plan: the school is told once, <see cref="CheckSafetyPlanReview.NoticeBefore"/> before the
    /// start; at the start the activity is cancelled with a reason everyone who sees it (parents too) reads.
    /// </summary>
    public static IReadOnlyList<object> Decide(CheckSafetyPlanReview c, Activity state)
    {
        if (state.Status != ActivityStatus.AwaitingSafetyPlan)
        {
            return [];
        }
        if (c.Now >= state.StartsAt)
        {
            return [new ActivityCancelled(c.ActivityId, SafetyPlanNotReviewedReason, "system:safety-plan-not-reviewed", c.Now, Registered(state))];
        }
        if (state.SafetyPlanReminderSentAt is null && c.Now >= state.StartsAt - c.NoticeBefore)
        {
            return [new SafetyPlanReviewReminderSent(c.ActivityId, state.StartsAt, c.Now)];
        }
        return [];
    }

    private static void NotUnderEndedAlliance(KnownAllianceStatus? status)
    {
        if (status == KnownAllianceStatus.Dissolved)
        {
            throw new RuleViolation("alliance-dissolved", "教联体已撤销，不能在其名下开展新活动 / The alliance is dissolved: no new activity runs under it.");
        }
        if (status == KnownAllianceStatus.Suspended)
        {
            throw new RuleViolation("alliance-suspended", "教联体已暂停，恢复前不能在其名下开展新活动 / The alliance is suspended: no new activity runs under it until it is established again.");
        }
    }

    private static void Fresh(Activity state, int expectedRevision)
    {
        if (state.Revision != expectedRevision)
        {
            throw new StaleVersion("活动 / The activity");
        }
    }

    /// <summary>The refusal of a command the activity's status does not allow.</summary>
    internal static RuleViolation NotIn(Activity state, string action) => new("activity-status",
        $"活动当前状态为 {state.Status}，不能{action.Split(" / ")[0]} / The activity is {state.Status}: it cannot {action.Split(" / ")[1]}.");
}
