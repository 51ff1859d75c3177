using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>
/// A provider as Activities knows it from the replica, as a command carries it: the resource, its unit and alliance,
/// and whether the unit is a member of that alliance now.
/// </summary>
public sealed record ProviderTerms(ProgrammeProvider Provider, int? Capacity = null, bool Withdrawn = false, bool Member = true);

public record CreateProgramme(
    Guid ProgrammeId, Guid SchoolId, string CountyCode, string Term, string Title, IReadOnlyList<DayOfWeek> Weekdays,
    TimeOnly StartTime, TimeOnly EndTime, int Places, ProviderTerms Provider, IReadOnlyList<Dimension> Dimensions,
    Guid? BaseId, string By, DateTimeOffset Now);
public record OpenProgramme(Guid ProgrammeId, int ExpectedRevision, string By, DateTimeOffset Now);
public record CloseProgramme(Guid ProgrammeId, int ExpectedRevision, string By, DateTimeOffset Now);
public record CancelProgramme(Guid ProgrammeId, int ExpectedRevision, string Reason, string By, DateTimeOffset Now);
public record ChangeProvider(Guid ProgrammeId, int ExpectedRevision, ProviderTerms Provider, string By, DateTimeOffset Now);
/// <summary>Alliances says the unit left the alliance (the replica applied <c>MemberLeft</c>).</summary>
public record FlagProviderLeft(Guid ProgrammeId, Guid UnitId, Guid AllianceId, DateTimeOffset Now);
public record Enrol(Guid ProgrammeId, Guid StudentId, EnrolledStudent Student, string By, DateTimeOffset Now);
public record WithdrawEnrolment(Guid ProgrammeId, Guid StudentId, int ExpectedVersion, string By, DateTimeOffset Now);
/// <param name="ExpectedVersion">The session record's version the caller read (If-Match); null for a first record.</param>
public record RecordSessionAttendance(
    Guid ProgrammeId, DateOnly Date, IReadOnlyList<Guid> Present, int? ExpectedVersion, string By, DateTimeOffset Now);

/// <summary>课后服务的规则 / an after-school programme's rules, pure: state and command in, events out (or a refusal).</summary>
public static class ProgrammeDecider
{
    public static IReadOnlyList<object> Decide(CreateProgramme c, Programme? state)
    {
        if (state is not null)
        {
            throw new RuleViolation("programme-exists", $"课后服务项目 {c.ProgrammeId} 已存在 / The programme already exists.");
        }
        var (_, last) = Terms.Range(c.Term);
        if (last < Terms.Today(c.Now))
        {
            throw new RuleViolation("term-ended", $"学期 {c.Term} 已结束 / The term {c.Term} has ended.");
        }
        if (c.EndTime <= c.StartTime)
        {
            throw new RuleViolation("schedule-invalid", "结束时间须晚于开始时间 / A session must end after it starts.");
        }
        if (c.Weekdays.Count == 0 || c.Weekdays.Any(d => d is DayOfWeek.Saturday or DayOfWeek.Sunday))
        {
            throw new RuleViolation("weekdays-only", "课后服务在周一至周五的上学日开展 / After-school programmes meet on school days, Monday to Friday.");
        }
        if (c.Dimensions.Count == 0)
        {
            throw new RuleViolation("dimensions-required", "须注明所属五育 / Name the five-education dimensions it serves.");
        }
        Usable(c.Provider, c.Places);
        return
        [
            new ProgrammeCreated(c.ProgrammeId, c.SchoolId, c.CountyCode, c.Term, c.Title.Trim(),
                c.Weekdays.Distinct().Order().ToArray(), c.StartTime, c.EndTime, c.Places, c.Provider.Provider,
                FiveEducations.Normalise(c.Dimensions), c.BaseId ?? c.Provider.Provider.ResourceId,
                c.By, c.Now),
        ];
    }

    public static IReadOnlyList<object> Decide(OpenProgramme c, Programme state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status != ProgrammeStatus.Draft)
        {
            throw NotIn(state, "开放报名 / open");
        }
        if (state.ProviderLeftAt is not null)
        {
            throw ProviderGone();
        }
        return [new ProgrammeOpened(c.ProgrammeId, state.Facts(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CloseProgramme c, Programme state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status != ProgrammeStatus.Open)
        {
            throw NotIn(state, "截止报名 / close");
        }
        return [new ProgrammeClosed(c.ProgrammeId, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CancelProgramme c, Programme state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status == ProgrammeStatus.Cancelled)
        {
            throw NotIn(state, "取消 / cancel");
        }
        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            throw new RuleViolation("reason-required", "取消须说明原因 / A cancellation needs a reason.");
        }
        return [new ProgrammeCancelled(c.ProgrammeId, c.Reason.Trim(), c.By, c.Now)];
    }

    /// <summary>The school's answer to a flag (or a change of mind): another member unit's resource, or its own staff.</summary>
    public static IReadOnlyList<object> Decide(ChangeProvider c, Programme state)
    {
        Fresh(state, c.ExpectedRevision);
        if (state.Status == ProgrammeStatus.Cancelled)
        {
            throw NotIn(state, "更换提供方 / change its provider");
        }
        Usable(c.Provider, state.EnrolledCount);
        if (c.Provider.Provider == state.Provider && state.ProviderLeftAt is null)
        {
            return [];
        }
        return [new ProgrammeProviderChanged(c.ProgrammeId, c.Provider.Provider, c.By, c.Now)];
    }

    /// <summary>
    /// A provider that left its alliance flags the programmes it gives (not a cancelled one, nor one already flagged, nor
    /// one given by another unit or under another alliance). The school decides: another provider, or cancel.
    /// </summary>
    public static IReadOnlyList<object> Decide(FlagProviderLeft c, Programme state) =>
        state.Status == ProgrammeStatus.Cancelled || state.ProviderLeftAt is not null
            || state.Provider.Kind != ProviderKind.MemberUnit
            || state.Provider.UnitId != c.UnitId || state.Provider.AllianceId != c.AllianceId
            ? []
            : [new ProgrammeProviderLeft(c.ProgrammeId, state.SchoolId, c.UnitId, c.AllianceId, c.Now)];

    /// <summary>
    /// A place while places remain, else the waitlist (the same rule as an activity's registration). Enrolling again
    /// gives the same answer and no second place (no event).
    /// </summary>
    public static IReadOnlyList<object> Decide(Enrol c, Programme state)
    {
        if (state.Roster.TryGetValue(c.StudentId, out var place) && place.Status != EnrolmentStatus.Withdrawn)
        {
            return [];
        }
        if (state.Status != ProgrammeStatus.Open)
        {
            throw new RuleViolation("enrolment-not-open",
                $"课后服务项目当前状态为 {state.Status}，不接受报名 / The programme is {state.Status}: it takes no enrolments.");
        }
        return state.EnrolledCount < state.Places
            ? [new StudentEnrolled(c.ProgrammeId, c.StudentId, state.NextSequence, c.Student, c.By, c.Now)]
            : [new StudentWaitlisted(c.ProgrammeId, c.StudentId, state.NextSequence, c.Student, c.By, c.Now)];
    }

    /// <summary>A freed place goes to the first on the waitlist while the programme is open or closed (not cancelled).</summary>
    public static IReadOnlyList<object> Decide(WithdrawEnrolment c, Programme state)
    {
        var place = Enrolled(state, c.StudentId, c.ExpectedVersion);
        if (place.Status == EnrolmentStatus.Withdrawn)
        {
            throw new RuleViolation("enrolment-withdrawn", "已退出 / The enrolment is already withdrawn.");
        }
        if (state.Status == ProgrammeStatus.Cancelled)
        {
            throw NotIn(state, "退出 / withdraw an enrolment");
        }
        var events = new List<object> { new EnrolmentWithdrawn(c.ProgrammeId, c.StudentId, place.Status, c.By, c.Now) };
        if (place.Status == EnrolmentStatus.Enrolled && state.Waitlist.Count > 0)
        {
            events.Add(new EnrolmentPromoted(c.ProgrammeId, state.Waitlist[0], c.Now));
        }
        return events;
    }

    /// <summary>
    /// Attendance of one session: on one of its weekdays, within its term, not in the future; only enrolled students
    /// can be present. A session recorded before needs the version read (If-Match): 428 without, 412 when stale.
    /// </summary>
    public static IReadOnlyList<object> Decide(RecordSessionAttendance c, Programme state)
    {
        if (state.Status is not (ProgrammeStatus.Open or ProgrammeStatus.Closed))
        {
            throw NotIn(state, "记录考勤 / record attendance");
        }
        var (first, last) = Terms.Range(state.Term);
        if (c.Date < first || c.Date > last || !state.Weekdays.Contains(c.Date.DayOfWeek))
        {
            throw new RuleViolation("not-a-session",
                $"{Programme.Key(c.Date)} 不是本项目的上课日 / {Programme.Key(c.Date)} is not one of the programme's session days in {state.Term}.");
        }
        if (c.Date > Terms.Today(c.Now))
        {
            throw new RuleViolation("date-in-future", "不能记录未来日期的考勤 / Attendance cannot be recorded for a day that has not come.");
        }
        var outsiders = c.Present.Where(s => !state.Roster.TryGetValue(s, out var p) || p.Status != EnrolmentStatus.Enrolled).ToArray();
        if (outsiders.Length > 0)
        {
            throw new RuleViolation("not-enrolled",
                $"{outsiders.Length} 名学生未在本项目就读 / {outsiders.Length} of those marked present hold no place in the programme.");
        }
        var present = c.Present.Distinct().ToArray();
        var key = Programme.Key(c.Date);
        if (state.Sessions.TryGetValue(key, out var earlier))
        {
            if (c.ExpectedVersion is not { } expected)
            {
                throw new PreconditionRequired();
            }
            if (expected != earlier.Version)
            {
                throw new StaleVersion("考勤 / The session's attendance");
            }
            if (earlier.Present.Length == present.Length && present.All(earlier.Present.Contains))
            {
                return [];
            }
            return [new SessionAttendanceRecorded(c.ProgrammeId, c.Date, present, [.. earlier.Present], false, state.Held(), c.By, c.Now)];
        }
        return [new SessionAttendanceRecorded(c.ProgrammeId, c.Date, present, [], true, state.Held(), c.By, c.Now)];
    }

    private static void Usable(ProviderTerms terms, int places)
    {
        if (terms.Provider.Kind != ProviderKind.MemberUnit)
        {
            return;
        }
        if (terms.Withdrawn)
        {
            throw new RuleViolation("resource-withdrawn", "资源已撤回 / The provider's resource has been withdrawn.");
        }
        if (!terms.Member)
        {
            throw ProviderGone();
        }
        if (terms.Capacity is { } capacity && places > capacity)
        {
            throw new RuleViolation("places-over-capacity",
                $"名额 {places} 超过资源容量 {capacity} / {places} places is more than the resource holds ({capacity}).");
        }
    }

    private static RuleViolation ProviderGone() => new("provider-not-member",
        "提供方已不是该教联体的成员单位：请更换提供方或由本校教师承担 / The provider is no longer a member of the alliance: choose another provider or the school's own staff.");

    private static Place Enrolled(Programme state, Guid studentId, int expectedVersion)
    {
        if (!state.Roster.TryGetValue(studentId, out var place))
        {
            throw new NotFoundException("该学生未报名此课后服务 / The student is not enrolled in this programme.");
        }
        if (place.Version != expectedVersion)
        {
            throw new StaleVersion("报名 / The enrolment");
        }
        return place;
    }

    private static void Fresh(Programme state, int expectedRevision)
    {
        if (state.Revision != expectedRevision)
        {
            throw new StaleVersion("课后服务项目 / The programme");
        }
    }

    internal static RuleViolation NotIn(Programme state, string action) => new("programme-status",
        $"课后服务项目当前状态为 {state.Status}，不能{action.Split(" / ")[0]} / The programme is {state.Status}: it cannot {action.Split(" / ")[1]}.");
}
