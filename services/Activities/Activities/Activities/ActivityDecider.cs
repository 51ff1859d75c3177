using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Activities.Activities;

/// <summary>A resource as Activities knows it from Alliances' events, as a command carries it.</summary>
public sealed record ResourceTerms(Guid ResourceId, Guid AllianceId, Guid UnitId, int Capacity, bool Withdrawn);

public record DraftActivity(
    Guid ActivityId, ActivityKind Kind, Guid? SchoolId, Guid? AllianceId, ResourceTerms? Resource, string Title,
    string Location, bool OffCampus, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Seats, int MinAge, int MaxAge,
    string CountyCode, IReadOnlyList<string> Topics, string By, DateTimeOffset Now);

public record OpenActivity(Guid ActivityId, int ExpectedRevision, string? Arrangements, string By, DateTimeOffset Now);
public record ApproveSafetyPlan(Guid ActivityId, Guid PlanId, DateTimeOffset Now);
public record RejectSafetyPlan(Guid ActivityId, Guid PlanId, string Reasons, DateTimeOffset Now);
public record CloseActivity(Guid ActivityId, int ExpectedRevision, string By, DateTimeOffset Now);
public record CompleteActivity(Guid ActivityId, int ExpectedRevision, string By, DateTimeOffset Now);
/// <summary><paramref name="ExpectedRevision"/> is null when the service itself cancels (a resource withdrawn).</summary>
public record CancelActivity(Guid ActivityId, int? ExpectedRevision, string Reason, string By, DateTimeOffset Now);

public record Register(Guid ActivityId, Guid StudentId, StudentDetails Student, string By, DateTimeOffset Now);
public record CancelRegistration(Guid ActivityId, Guid StudentId, int ExpectedVersion, string By, DateTimeOffset Now);
public record CheckIn(Guid ActivityId, Guid StudentId, int ExpectedVersion, string By, DateTimeOffset Now);
public record RecordAttendance(Guid ActivityId, Guid StudentId, bool Attended, int ExpectedVersion, string By, DateTimeOffset Now);

/// <summary>The If-Match named an older version than the current one (412).</summary>
/// <remarks>A Marten concurrency exception, so that the one problem mapping answers it as 412 (with If-Match).</remarks>
public sealed class StaleVersion(string what) : JasperFx.ConcurrencyException(
    $"{what} 已被他人修改，请重新读取后再提交 / {what} changed since you read it: read it again (new ETag) and retry.");

/// <summary>The activity's business rules, pure: state and command in, events out (or a refusal).</summary>
public static class ActivityDecider
{
    /// <summary>Guardian consent is recorded for every student under this age (at the start of the activity).</summary>
    public const int ConsentAge = 14;

    /// <summary>Check-in opens this long before the start.</summary>
    public static readonly TimeSpan CheckInOpensBefore = TimeSpan.FromHours(12);

    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

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
                c.EndsAt, c.Seats, c.MinAge, c.MaxAge, c.CountyCode, c.Topics, c.By, c.Now),
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
        return [new ActivityCancelled(c.ActivityId, c.Reason.Trim(), c.By, c.Now)];
    }

    /// <summary>
    /// A seat while seats remain, else the waitlist. The same student registering again gets the same answer and no
    /// second seat (no event).
    /// </summary>
    public static IReadOnlyList<object> Decide(Register c, Activity state)
    {
        if (state.Roster.TryGetValue(c.StudentId, out var seat) && seat.Status != RegistrationStatus.Cancelled)
        {
            return [];
        }
        if (state.Status != ActivityStatus.Open)
        {
            throw new RuleViolation("registration-not-open",
                $"活动当前状态为 {state.Status}，不接受报名 / The activity is {state.Status}: it takes no registrations.");
        }
        var age = AgeAt(c.Student.BirthDate, state.StartsAt);
        if (age < state.MinAge || age > state.MaxAge)
        {
            throw new RuleViolation("outside-age-range",
                $"学生年龄 {age} 岁，不在 {state.MinAge}-{state.MaxAge} 岁范围内 / The student is {age}, outside the age range {state.MinAge}-{state.MaxAge}.");
        }
        if (age < ConsentAge && c.Student.ConsentGivenBy is null)
        {
            throw new RuleViolation("guardian-consent-required",
                $"未满 {ConsentAge} 岁须有监护人同意 / A student under {ConsentAge} needs a guardian's consent.");
        }
        return state.ConfirmedCount < state.Seats
            ? [new RegistrationConfirmed(c.ActivityId, c.StudentId, state.NextSequence, c.Student, c.By, c.Now)]
            : [new RegistrationWaitlisted(c.ActivityId, c.StudentId, state.NextSequence, c.Student, c.By, c.Now)];
    }

    /// <summary>A cancelled seat goes to the first on the waitlist, while the activity still takes registrations.</summary>
    public static IReadOnlyList<object> Decide(CancelRegistration c, Activity state)
    {
        var seat = Registered(state, c.StudentId, c.ExpectedVersion);
        if (seat.Status == RegistrationStatus.Cancelled)
        {
            throw new RuleViolation("registration-cancelled", "报名已取消 / The registration is already cancelled.");
        }
        if (state.Status is ActivityStatus.Completed or ActivityStatus.Cancelled)
        {
            throw NotIn(state, "取消报名 / cancel a registration");
        }
        var events = new List<object> { new RegistrationCancelled(c.ActivityId, c.StudentId, seat.Status, c.By, c.Now) };
        if (seat.Status == RegistrationStatus.Confirmed && state.Waitlist.Count > 0
            && state.Status is ActivityStatus.Open or ActivityStatus.Closed)
        {
            events.Add(new WaitlistPromoted(c.ActivityId, state.Waitlist[0], c.Now));
        }
        return events;
    }

    public static IReadOnlyList<object> Decide(CheckIn c, Activity state)
    {
        var seat = Registered(state, c.StudentId, c.ExpectedVersion);
        if (state.Status is not (ActivityStatus.Open or ActivityStatus.Closed))
        {
            throw NotIn(state, "签到 / check in");
        }
        if (seat.Status != RegistrationStatus.Confirmed)
        {
            throw new RuleViolation("not-confirmed", "只有已确认的报名可以签到 / Only a confirmed registration can check in.");
        }
        if (c.Now < state.StartsAt - CheckInOpensBefore || c.Now > state.EndsAt)
        {
            throw new RuleViolation("not-the-day", "只能在活动当天签到 / Check-in is open only on the day, until the activity ends.");
        }
        if (seat.CheckedInAt is not null)
        {
            throw new RuleViolation("already-checked-in", "已签到 / The student has already checked in.");
        }
        return [new StudentCheckedIn(c.ActivityId, c.StudentId, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordAttendance c, Activity state)
    {
        var seat = Registered(state, c.StudentId, c.ExpectedVersion);
        if (state.Status is not (ActivityStatus.Open or ActivityStatus.Closed or ActivityStatus.Completed))
        {
            throw NotIn(state, "记录出勤 / record attendance");
        }
        if (seat.Status != RegistrationStatus.Confirmed)
        {
            throw new RuleViolation("not-confirmed", "只有已确认的报名可以记录出勤 / Attendance is recorded for confirmed registrations only.");
        }
        if (c.Now < state.StartsAt)
        {
            throw new RuleViolation("not-started", "活动尚未开始 / The activity has not started yet.");
        }
        return [new AttendanceRecorded(c.ActivityId, c.StudentId, c.Attended, c.By, c.Now)];
    }

    /// <summary>Whole years of age on the (China-time) day the activity starts.</summary>
    public static int AgeAt(DateOnly birthDate, DateTimeOffset startsAt)
    {
        var day = DateOnly.FromDateTime(startsAt.ToOffset(ChinaTime).DateTime);
        var age = day.Year - birthDate.Year;
        return birthDate.AddYears(age) > day ? age - 1 : age;
    }

    private static void Fresh(Activity state, int expectedRevision)
    {
        if (state.Revision != expectedRevision)
        {
            throw new StaleVersion("活动 / The activity");
        }
    }

    private static Seat Registered(Activity state, Guid studentId, int expectedVersion)
    {
        if (!state.Roster.TryGetValue(studentId, out var seat))
        {
            throw new NotFoundException("该学生未报名此活动 / The student has not registered for this activity.");
        }
        if (seat.Version != expectedVersion)
        {
            throw new StaleVersion("报名 / The registration");
        }
        return seat;
    }

    private static RuleViolation NotIn(Activity state, string action) => new("activity-status",
        $"活动当前状态为 {state.Status}，不能{action.Split(" / ")[0]} / The activity is {state.Status}: it cannot {action.Split(" / ")[1]}.");
}
