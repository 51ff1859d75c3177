using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;

namespace JiaoLianTi.Wellbeing.Referrals;

/// <summary>医教互促: referred -> accepted -> seen -> returned to school (复学绿色通道) with the school's re-entry plan.</summary>
public enum ReferralStatus { Referred, Accepted, Seen, Returned }

public enum Urgency { Routine, Priority, Urgent }

/// <summary>The step a referral waits on, each with its SLA: the unit accepts, sees the child, the child returns.</summary>
public enum ReferralStep { Acceptance, Appointment, Return }

/// <param name="Contact">
/// The receiving unit may read the minimum to identify the child and contact the guardian (the child's name and date
/// of birth, the guardians' names, relations and phones), for this referral only, until its end or the child's
/// return, whichever comes first; every read is recorded. Null on referrals made before the grant existed.
/// </param>
public record ReferralMade(
    Guid ReferralId, Guid StudentId, Guid SchoolId, string CountyCode, Guid UnitId, Urgency Urgency, Sealed Reason,
    string By, DateTimeOffset At, ContactGrant? Contact = null, HealthScreeningSource? Screening = null);

public record ReferralAccepted(Guid ReferralId, Guid UnitId, string By, DateTimeOffset At);

public record ReferralSeen(Guid ReferralId, DateOnly SeenOn, string By, DateTimeOffset At);

public record ReturnedToSchool(Guid ReferralId, DateOnly ReturnOn, Sealed ReEntryPlan, string By, DateTimeOffset At);

/// <summary>A step passed its SLA (detected once per step; published as ReferralOverdue).</summary>
public record ReferralOverdueDetected(Guid ReferralId, Guid SchoolId, Guid UnitId, ReferralStep Step, DateTimeOffset DueAt, DateTimeOffset At);

public record ReferralErased(Guid ReferralId, string Reason, DateTimeOffset At);

public sealed record Referral(
    Guid Id, Guid StudentId, Guid SchoolId, string CountyCode, Guid UnitId, Urgency Urgency, Sealed? Reason,
    ReferralStatus Status, DateTimeOffset MadeAt, DateTimeOffset? AcceptedAt, DateOnly? SeenOn, DateTimeOffset? SeenAt,
    DateOnly? ReturnOn, Sealed? ReEntryPlan, DateTimeOffset? ReturnedAt, IReadOnlyList<ReferralStep> Overdue,
    DateTimeOffset? StepDueAt, bool Erased)
{
    public long Version { get; set; }

    /// <summary>The receiving unit's grant to read the guardian's contact (null for referrals made before it existed).</summary>
    public ContactGrant? Contact { get; init; }

    /// <summary>The health screening result that started it (null for a referral a carer made).</summary>
    public HealthScreeningSource? Screening { get; init; }

    /// <summary>The grant, if it lets <paramref name="unitId"/> read at <paramref name="now"/>.</summary>
    public ContactGrant? ActiveContact(Guid unitId, DateTimeOffset now) =>
        Contact is { } c && c.UnitId == unitId && c.Until > now && Status != ReferralStatus.Returned && !Erased ? c : null;

    /// <summary>Each step with its deadline (from the SLA, once the step before is done), when it was done, and whether
    /// it is (or was done) late.</summary>
    public IReadOnlyList<ReferralStepView> Steps(ReferralSla sla, DateTimeOffset now)
    {
        ReferralStepView Step(ReferralStep step, DateTimeOffset? since, DateTimeOffset? done)
        {
            DateTimeOffset? due = since is { } s ? s + sla.For(step, Urgency) : null;
            return new ReferralStepView(step, due, done, due is { } d && (done ?? now) > d);
        }
        return
        [
            Step(ReferralStep.Acceptance, MadeAt, AcceptedAt),
            Step(ReferralStep.Appointment, AcceptedAt, SeenAt),
            Step(ReferralStep.Return, SeenAt, ReturnedAt),
        ];
    }

    public static Referral Create(ReferralMade e) =>
        new(e.ReferralId, e.StudentId, e.SchoolId, e.CountyCode, e.UnitId, e.Urgency, e.Reason, ReferralStatus.Referred, e.At,
            null, null, null, null, null, null, [], null, false) { Contact = e.Contact, Screening = e.Screening };

    public Referral Apply(ReferralAccepted e) => this with { Status = ReferralStatus.Accepted, AcceptedAt = e.At };

    public Referral Apply(ReferralSeen e) => this with { Status = ReferralStatus.Seen, SeenOn = e.SeenOn, SeenAt = e.At };

    public Referral Apply(ReturnedToSchool e) => this with
    {
        Status = ReferralStatus.Returned, ReturnOn = e.ReturnOn, ReEntryPlan = e.ReEntryPlan, ReturnedAt = e.At,
    };

    public Referral Apply(ReferralOverdueDetected e) => this with { Overdue = [.. Overdue, e.Step] };

    public Referral Apply(ReferralErased e) => this with { Erased = true, Reason = null, ReEntryPlan = null };

    /// <summary>The step the referral waits on, and since when; null once returned.</summary>
    public (ReferralStep Step, DateTimeOffset Since)? Waiting => Status switch
    {
        ReferralStatus.Referred => (ReferralStep.Acceptance, MadeAt),
        ReferralStatus.Accepted => (ReferralStep.Appointment, AcceptedAt!.Value),
        ReferralStatus.Seen => (ReferralStep.Return, SeenAt!.Value),
        _ => null,
    };
}

/// <summary>医教互促 · 健康筛查: the round and the result past a threshold that made the referral.</summary>
public sealed record HealthScreeningSource(Guid RoundId, Guid ResultId);

/// <summary>The receiving unit's grant to the guardian's contact: this referral only, until <see cref="Until"/>.</summary>
public sealed record ContactGrant(Guid GrantId, Guid UnitId, DateTimeOffset Until);

/// <summary>One step of a referral: its deadline (null until the step before is done), when it was done, late or not.</summary>
public sealed record ReferralStepView(ReferralStep Step, DateTimeOffset? DueAt, DateTimeOffset? DoneAt, bool Overdue);

/// <summary>The SLA of each step (<c>Wellbeing:Referrals:Sla</c>); an urgent referral gets a quarter of it, a priority one half.</summary>
public sealed class ReferralSla
{
    public TimeSpan Acceptance { get; set; } = TimeSpan.FromDays(2);
    public TimeSpan Appointment { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan Return { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How long the receiving unit may read the guardian's contact (ends earlier when the child returns).</summary>
    public TimeSpan ContactFor { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan For(ReferralStep step, Urgency urgency)
    {
        var sla = step switch
        {
            ReferralStep.Acceptance => Acceptance,
            ReferralStep.Appointment => Appointment,
            _ => Return,
        };
        return urgency switch { Urgency.Urgent => sla / 4, Urgency.Priority => sla / 2, _ => sla };
    }
}

/// <param name="ContactGrantFor">How long the receiving unit may read the guardian's contact (30 days when null).</param>
public record MakeReferral(Guid ReferralId, Guid StudentId, Guid SchoolId, string CountyCode, Guid UnitId, Urgency Urgency, Sealed Reason, bool UnitIsMedicalMember, string By, DateTimeOffset Now,
    TimeSpan? ContactGrantFor = null, Guid? GrantId = null, HealthScreeningSource? Screening = null);

public record AcceptReferral(Guid ReferralId, Guid UnitId, string By, DateTimeOffset Now);

public record RecordSeen(Guid ReferralId, Guid UnitId, DateOnly SeenOn, string By, DateTimeOffset Now);

public record ReturnToSchool(Guid ReferralId, DateOnly ReturnOn, Sealed ReEntryPlan, string By, DateTimeOffset Now);

public record DetectOverdueReferral(Guid ReferralId, ReferralSla Sla, DateTimeOffset Now);

/// <summary>The referral's rules, pure.</summary>
public static class ReferralDecider
{
    public static IReadOnlyList<object> Decide(MakeReferral c)
    {
        if (!c.UnitIsMedicalMember)
        {
            throw new RuleViolation("unit-not-medical-member",
                "转介对象须为本校所在教联体的医院或心理健康机构 / A referral goes to a hospital or mental-health centre that is a member of the school's alliance.");
        }
        var contact = new ContactGrant(c.GrantId ?? c.ReferralId, c.UnitId, c.Now + (c.ContactGrantFor ?? TimeSpan.FromDays(30)));
        return [new ReferralMade(c.ReferralId, c.StudentId, c.SchoolId, c.CountyCode, c.UnitId, c.Urgency, c.Reason, c.By, c.Now, contact, c.Screening)];
    }

    public static IReadOnlyList<object> Decide(AcceptReferral c, Referral state)
    {
        OfUnit(state, c.UnitId);
        Expect(state, ReferralStatus.Referred, "接收");
        return [new ReferralAccepted(c.ReferralId, c.UnitId, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordSeen c, Referral state)
    {
        OfUnit(state, c.UnitId);
        Expect(state, ReferralStatus.Accepted, "就诊");
        if (c.SeenOn < ChinaDays.Of(state.AcceptedAt!.Value) || c.SeenOn > ChinaDays.Of(c.Now))
        {
            throw new RuleViolation("seen-date", "就诊日期须在接收之后且不晚于今天 / The visit must be dated between acceptance and today.");
        }
        return [new ReferralSeen(c.ReferralId, c.SeenOn, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ReturnToSchool c, Referral state)
    {
        Expect(state, ReferralStatus.Seen, "复学");
        if (c.ReturnOn < state.SeenOn)
        {
            throw new RuleViolation("return-before-visit", "复学日期早于就诊日期 / The return cannot be dated before the visit.");
        }
        return [new ReturnedToSchool(c.ReferralId, c.ReturnOn, c.ReEntryPlan, c.By, c.Now)];
    }

    /// <summary>The periodic check: the waiting step past its SLA, reported once per step.</summary>
    public static IReadOnlyList<object> Decide(DetectOverdueReferral c, Referral state)
    {
        if (state.Waiting is not { } waiting || state.Overdue.Contains(waiting.Step))
        {
            return [];
        }
        var due = waiting.Since + c.Sla.For(waiting.Step, state.Urgency);
        return c.Now > due ? [new ReferralOverdueDetected(c.ReferralId, state.SchoolId, state.UnitId, waiting.Step, due, c.Now)] : [];
    }

    private static void OfUnit(Referral state, Guid unitId)
    {
        if (state.UnitId != unitId)
        {
            throw new Platform.Http.ForbiddenException("该转介不属于本单位 / This referral was made to another unit.");
        }
    }

    private static void Expect(Referral state, ReferralStatus expected, string step)
    {
        if (state.Status != expected)
        {
            throw new RuleViolation("referral-step",
                $"转介状态为 {state.Status}，不能进行{step} / The referral is {state.Status}: this step needs {expected}.");
        }
    }
}
