using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Activities.Registrations;

public record Register(Guid ActivityId, Guid StudentId, StudentDetails Student, string By, DateTimeOffset Now);
public record CancelRegistration(Guid ActivityId, Guid StudentId, int ExpectedVersion, string By, DateTimeOffset Now);
public record WithdrawConsent(Guid ActivityId, Guid StudentId, int ExpectedVersion, string By, DateTimeOffset Now);
public record CheckIn(Guid ActivityId, Guid StudentId, int ExpectedVersion, string By, DateTimeOffset Now);
public record RecordAttendance(Guid ActivityId, Guid StudentId, bool Attended, int ExpectedVersion, string By, DateTimeOffset Now);

/// <summary>
/// A registration's rules, pure: the activity's state and a command in, events out (or a refusal). Decided against the
/// activity's state because the seats are the activity's.
/// </summary>
public static class RegistrationDecider
{
    /// <summary>Guardian consent is recorded for every student under this age (at the start of the activity).</summary>
    public const int ConsentAge = 14;

    /// <summary>Check-in opens this long before the start.</summary>
    public static readonly TimeSpan CheckInOpensBefore = TimeSpan.FromHours(12);

    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

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
            throw ActivityDecider.NotIn(state, "取消报名 / cancel a registration");
        }
        var events = new List<object> { new RegistrationCancelled(c.ActivityId, c.StudentId, seat.Status, c.By, c.Now) };
        if (seat.Status == RegistrationStatus.Confirmed && state.Waitlist.Count > 0
            && state.Status is ActivityStatus.Open or ActivityStatus.Closed)
        {
            events.Add(new WaitlistPromoted(c.ActivityId, state.Waitlist[0], c.Now));
        }
        return events;
    }

    /// <summary>
    /// Only the guardian who consented can take it back; the registration ends with it (a held seat goes to the first
    /// on the waitlist, as with a cancellation).
    /// </summary>
    public static IReadOnlyList<object> Decide(WithdrawConsent c, Activity state)
    {
        var seat = Registered(state, c.StudentId, c.ExpectedVersion);
        if (seat.ConsentGivenBy is null)
        {
            throw new RuleViolation("no-consent", "该报名没有监护人同意记录 / No guardian consent was recorded for this registration.");
        }
        if (seat.ConsentGivenBy != c.By)
        {
            throw new ForbiddenException("只有给出同意的监护人可以撤回 / Only the guardian who gave the consent can withdraw it.");
        }
        if (seat.Status == RegistrationStatus.Cancelled)
        {
            throw new RuleViolation("registration-cancelled", "报名已取消 / The registration is already cancelled.");
        }
        if (state.Status is ActivityStatus.Completed or ActivityStatus.Cancelled)
        {
            throw ActivityDecider.NotIn(state, "撤回同意 / withdraw consent");
        }
        var cancelled = Decide(new CancelRegistration(c.ActivityId, c.StudentId, c.ExpectedVersion, c.By, c.Now), state);
        return [new ConsentWithdrawn(c.ActivityId, c.StudentId, c.By, c.Now), .. cancelled];
    }

    public static IReadOnlyList<object> Decide(CheckIn c, Activity state)
    {
        var seat = Registered(state, c.StudentId, c.ExpectedVersion);
        if (state.Status is not (ActivityStatus.Open or ActivityStatus.Closed))
        {
            throw ActivityDecider.NotIn(state, "签到 / check in");
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
            throw ActivityDecider.NotIn(state, "记录出勤 / record attendance");
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
}
