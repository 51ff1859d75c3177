using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.CampusSafety.LegalVicePrincipals;

/// <param name="UnitIsLegalMember">The replica says the unit is a police station, procuratorate or court that is an active
/// member of an alliance the school joined.</param>
/// <param name="PersonAlreadyCurrent">The same person already holds a current appointment at this school.</param>
public record AppointLegalVicePrincipal(
    Guid AppointmentId, Guid SchoolId, string CountyCode, Guid UnitId, string? UnitKind, bool UnitIsLegalMember, bool PersonAlreadyCurrent,
    string Name, string Position, string? Subject, DateOnly StartsOn, int Years, string By, DateTimeOffset Now);

/// <param name="PersonAlreadyCurrent">The claiming account already holds another current appointment at this school.</param>
public record ClaimLegalVicePrincipal(string Subject, bool PersonAlreadyCurrent, DateTimeOffset Now);

public record RenewLegalVicePrincipal(int Years, string By, DateTimeOffset Now);

public record EndLegalVicePrincipal(AppointmentEndReason Reason, string By, DateTimeOffset Now);

/// <summary>The periodic check: a term that has run out ends the appointment (reason <c>TermExpired</c>).</summary>
public record ExpireLegalVicePrincipalTerm(DateTimeOffset Now);

public record RecordLawLesson(Guid LessonId, DateOnly On, string Topic, IReadOnlyList<string> Classes, string By, DateTimeOffset Now);

/// <summary>The legal vice-principal's rules, pure.</summary>
public static class LegalVicePrincipalDecider
{
    public const int LongestTermYears = 5;

    public static IReadOnlyList<object> Decide(AppointLegalVicePrincipal c)
    {
        if (!c.UnitIsLegalMember || c.UnitKind is null)
        {
            throw new RuleViolation("unit-not-legal-member",
                "法治副校长须来自本校所在教联体的派出所、检察院或法院 / A legal vice-principal comes from a police station, procuratorate or court of the school's alliance.");
        }
        if (c.PersonAlreadyCurrent)
        {
            throw new RuleViolation("already-appointed", "此人已是本校在任的法治副校长 / This person is already a current legal vice-principal of the school.");
        }
        var today = Today(c.Now);
        if (c.StartsOn < today.AddYears(-1) || c.StartsOn > today.AddYears(1))
        {
            throw new RuleViolation("term-start", "任期须在前后一年之内开始 / A term starts within a year of today.");
        }
        return [new LegalVicePrincipalAppointed(c.AppointmentId, c.SchoolId, c.CountyCode, c.UnitId, c.UnitKind, c.Name.Trim(), c.Position.Trim(),
            string.IsNullOrWhiteSpace(c.Subject) ? null : c.Subject.Trim(), c.StartsOn, c.StartsOn.AddYears(c.Years).AddDays(-1), c.By, c.Now)];
    }

    /// <summary>认领: an appointment made without an account, not ended, is claimed once.</summary>
    public static IReadOnlyList<object> Decide(ClaimLegalVicePrincipal c, LegalVicePrincipal s)
    {
        NotEnded(s);
        if (!string.IsNullOrEmpty(s.Subject))
        {
            throw new RuleViolation("already-claimed", "该聘任已由本人认领 / The appointment is already claimed.");
        }
        if (c.PersonAlreadyCurrent)
        {
            throw new RuleViolation("already-appointed", "此人已是本校在任的法治副校长 / This person is already a current legal vice-principal of the school.");
        }
        return [new LegalVicePrincipalClaimed(s.Id, c.Subject, c.Now)];
    }

    /// <summary>续聘: a current appointment is extended by whole years from the end of its term.</summary>
    public static IReadOnlyList<object> Decide(RenewLegalVicePrincipal c, LegalVicePrincipal s)
    {
        NotEnded(s);
        if (s.EndsOn < Today(c.Now))
        {
            throw new RuleViolation("term-lapsed", "任期已届满，请重新聘任 / The term has run out: appoint again.");
        }
        return [new LegalVicePrincipalRenewed(s.Id, s.SchoolId, s.CountyCode, s.UnitId, c.Years, s.EndsOn.AddYears(c.Years), c.By, c.Now)];
    }

    /// <summary>解聘 / 离任: ended today, for a reason.</summary>
    public static IReadOnlyList<object> Decide(EndLegalVicePrincipal c, LegalVicePrincipal s)
    {
        NotEnded(s);
        var today = Today(c.Now);
        return [new LegalVicePrincipalEnded(s.Id, s.SchoolId, s.CountyCode, s.UnitId, c.Reason, today < s.EndsOn ? today : s.EndsOn, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ExpireLegalVicePrincipalTerm c, LegalVicePrincipal s) =>
        s.Status == AppointmentStatus.Active && s.EndsOn < Today(c.Now)
            ? [new LegalVicePrincipalEnded(s.Id, s.SchoolId, s.CountyCode, s.UnitId, AppointmentEndReason.TermExpired, s.EndsOn, "system:term-check", c.Now)]
            : [];

    /// <summary>法治课: dated inside the appointment (from its start to its last day) and not in the future.</summary>
    public static IReadOnlyList<object> Decide(RecordLawLesson c, LegalVicePrincipal s)
    {
        if (c.On > Today(c.Now))
        {
            throw new RuleViolation("lesson-in-future", "不能登记未来的法治课 / A lesson is recorded once given, not before.");
        }
        if (c.On < s.StartsOn || c.On > s.LastDay)
        {
            throw new RuleViolation("lesson-outside-term", "法治课日期不在任期内 / The lesson is dated outside the appointment's term.");
        }
        if (s.Lessons.Any(l => l.On == c.On && string.Equals(l.Topic, c.Topic.Trim(), StringComparison.Ordinal)))
        {
            throw new RuleViolation("lesson-recorded", "同一天同一主题的法治课已登记 / A lesson on this day and topic is already recorded.");
        }
        return [new LawLessonGiven(s.Id, c.LessonId, c.On, Drills.Terms.Of(c.On), c.Topic.Trim(), c.Classes.Select(x => x.Trim()).Distinct().ToArray(), c.By, c.Now)];
    }

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static void NotEnded(LegalVicePrincipal s)
    {
        if (s.Status == AppointmentStatus.Ended)
        {
            throw new RuleViolation("appointment-ended", "该聘任已结束 / The appointment has ended.");
        }
    }
}
