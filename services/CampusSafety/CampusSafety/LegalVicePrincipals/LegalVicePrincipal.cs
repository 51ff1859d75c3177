using UnitKinds = JiaoLianTi.Alliances.Contracts.MemberUnitKinds;

namespace JiaoLianTi.CampusSafety.LegalVicePrincipals;

// 警校共育 · 法治副校长: a person from a police station, procuratorate or court of the school's alliance, appointed to the
// school for a term of years; renewed, ended (or lapsed at the term's end); gives law lessons each term; may be called
// to the school's bullying cases. One stream per appointment. The appointee is an adult official acting in office: the
// name and position are kept in clear here, and never leave the service.

public enum AppointmentStatus { Active, Ended }

/// <summary>Why an appointment ended: the term ran out, the person resigned or was transferred, or was dismissed, or the
/// unit left the school's alliance.</summary>
public enum AppointmentEndReason { TermExpired, Resigned, Transferred, Dismissed, UnitLeftAlliance }

/// <summary><see cref="Subject"/>: the appointee's sign-in account, or null until they claim the appointment.</summary>
public record LegalVicePrincipalAppointed(
    Guid AppointmentId, Guid SchoolId, string CountyCode, Guid UnitId, string UnitKind, string Name, string Position, string? Subject,
    DateOnly StartsOn, DateOnly EndsOn, string By, DateTimeOffset At);

/// <summary>
/// 认领: the appointee, signed in as an officer of the appointing unit, binds their account to an appointment the bureau
/// made without one (the bureau knows the person's name, not their sign-in account).
/// </summary>
public record LegalVicePrincipalClaimed(Guid AppointmentId, string Subject, DateTimeOffset At);

public record LegalVicePrincipalRenewed(
    Guid AppointmentId, Guid SchoolId, string CountyCode, Guid UnitId, int Years, DateOnly EndsOn, string By, DateTimeOffset At);

public record LegalVicePrincipalEnded(
    Guid AppointmentId, Guid SchoolId, string CountyCode, Guid UnitId, AppointmentEndReason Reason, DateOnly EndedOn, string By, DateTimeOffset At);

/// <summary>A law lesson (法治课) given at the school: when, in which term, on what, to which classes.</summary>
public record LawLessonGiven(
    Guid AppointmentId, Guid LessonId, DateOnly On, string Term, string Topic, IReadOnlyList<string> Classes, string By, DateTimeOffset At);

public sealed record LawLesson(Guid LessonId, DateOnly On, string Term, string Topic, IReadOnlyList<string> Classes, string By);

/// <summary>The appointment stream's state, also its inline read model.</summary>
public sealed record LegalVicePrincipal(
    Guid Id, Guid SchoolId, string CountyCode, Guid UnitId, string UnitKind, string Name, string Position, string? Subject,
    DateOnly StartsOn, DateOnly EndsOn, AppointmentStatus Status, DateOnly? EndedOn, AppointmentEndReason? EndReason,
    IReadOnlyList<LawLesson> Lessons, int Renewals, DateTimeOffset AppointedAt)
{
    public long Version { get; set; }

    /// <summary>The last day the appointment holds: its term's end, or the day it ended.</summary>
    public DateOnly LastDay => EndedOn is { } ended && ended < EndsOn ? ended : EndsOn;

    /// <summary>A current legal vice-principal on <paramref name="day"/>: not ended, and the day inside the term.</summary>
    public bool IsCurrentOn(DateOnly day) => Status == AppointmentStatus.Active && StartsOn <= day && day <= EndsOn;

    public static LegalVicePrincipal Create(LegalVicePrincipalAppointed e) =>
        new(e.AppointmentId, e.SchoolId, e.CountyCode, e.UnitId, e.UnitKind, e.Name, e.Position, e.Subject, e.StartsOn, e.EndsOn,
            AppointmentStatus.Active, null, null, [], 0, e.At);

    public LegalVicePrincipal Apply(LegalVicePrincipalClaimed e) => this with { Subject = e.Subject };

    public LegalVicePrincipal Apply(LegalVicePrincipalRenewed e) => this with { EndsOn = e.EndsOn, Renewals = Renewals + 1 };

    public LegalVicePrincipal Apply(LegalVicePrincipalEnded e) =>
        this with { Status = AppointmentStatus.Ended, EndedOn = e.EndedOn, EndReason = e.Reason };

    public LegalVicePrincipal Apply(LawLessonGiven e) =>
        this with { Lessons = [.. Lessons, new LawLesson(e.LessonId, e.On, e.Term, e.Topic, e.Classes, e.By)] };
}

/// <summary>The member unit kinds a legal vice-principal comes from: 派出所, 检察院, 法院.</summary>
public static class LegalUnits
{
    public static readonly string[] Kinds = [UnitKinds.PoliceStation, UnitKinds.Procuratorate, UnitKinds.Court];
}
