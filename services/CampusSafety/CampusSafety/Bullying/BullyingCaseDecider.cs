using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.CampusSafety.Bullying;

public record ReportBullyingCase(
    Guid CaseId, Guid SchoolId, string CountyCode, int Grade, string Summary, bool Anonymous, string Reporter,
    IReadOnlyList<Party> Parties, DateTimeOffset Now, string? ReceiptHash = null);
public record AddBullyingParty(Guid StudentId, PartyRole Role, DateTimeOffset Now);
public record AssignCounsellor(string Counsellor, string By, DateTimeOffset Now);
public record DetermineBullyingCase(bool IsBullying, string Findings, string By, DateTimeOffset Now);
public record RecordBullyingMeasure(Guid MeasureId, string Description, string By, DateTimeOffset Now);
public record CloseBullyingCase(string By, DateTimeOffset Now);
public record EraseBullyingCase(string By, DateTimeOffset Now);
/// <param name="CurrentAtSchool">The appointment is the case's school's and current today.</param>
public record CallLegalVicePrincipal(Guid AppointmentId, string Subject, bool CurrentAtSchool, string By, DateTimeOffset Now);

/// <summary>The bullying case's rules, pure.</summary>
public static class BullyingCaseDecider
{
    /// <summary>调查时限: the school investigates and determines within 10 days of the report.</summary>
    public static readonly TimeSpan InvestigationPeriod = TimeSpan.FromDays(10);

    public static IReadOnlyList<object> Decide(ReportBullyingCase c)
    {
        if (c.Parties.GroupBy(p => p.StudentId).Any(g => g.Count() > 1))
        {
            throw new RuleViolation("party-twice", "同一学生只能以一个身份列入 / A student is a party once.");
        }
        var events = new List<object>
        {
            new BullyingCaseReported(c.CaseId, c.SchoolId, c.CountyCode, c.Grade, c.Summary.Trim(), c.Anonymous,
                c.Anonymous ? null : c.Reporter, c.Now + InvestigationPeriod, c.Now, c.ReceiptHash),
        };
        foreach (var party in c.Parties)
        {
            events.AddRange(PartyEvents(c.CaseId, c.SchoolId, c.CountyCode, party, c.Now));
        }
        return events;
    }

    public static IReadOnlyList<object> Decide(AddBullyingParty c, BullyingCase s)
    {
        EnsureOpen(s);
        if (s.Parties.Any(p => p.StudentId == c.StudentId))
        {
            throw new RuleViolation("party-twice", "该学生已列入本案 / The student is already a party to this case.");
        }
        return PartyEvents(s.Id, s.SchoolId, s.CountyCode, new Party(c.StudentId, c.Role), c.Now).ToList();
    }

    public static IReadOnlyList<object> Decide(AssignCounsellor c, BullyingCase s)
    {
        EnsureOpen(s);
        return s.Counsellor == c.Counsellor ? [] : [new BullyingCounsellorAssigned(s.Id, c.Counsellor.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(DetermineBullyingCase c, BullyingCase s)
    {
        EnsureOpen(s);
        if (s.Status == CaseStatus.Determined)
        {
            throw new RuleViolation("case-determined", "本案已认定 / The case has been determined already.");
        }
        return [new BullyingCaseDetermined(s.Id, c.IsBullying, c.Findings.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordBullyingMeasure c, BullyingCase s)
    {
        EnsureOpen(s);
        if (s.Status != CaseStatus.Determined)
        {
            throw new RuleViolation("case-not-determined", "须先认定再记录处置措施 / Measures follow a determination.");
        }
        return [new BullyingMeasureRecorded(s.Id, c.MeasureId, c.Description.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CloseBullyingCase c, BullyingCase s)
    {
        EnsureOpen(s);
        if (s.Status != CaseStatus.Determined)
        {
            throw new RuleViolation("case-not-determined", "未经认定不能结案 / A case cannot be closed without a determination.");
        }
        if (s.IsBullying == true && s.Measures.Count == 0)
        {
            throw new RuleViolation("measures-missing", "认定为欺凌的案件须记录处置措施后结案 / A case determined as bullying needs its measures recorded before it closes.");
        }
        return [new BullyingCaseClosed(s.Id, c.By, c.Now)];
    }

    /// <summary>警校共育: an open case calls one of the school's current legal vice-principals, once.</summary>
    public static IReadOnlyList<object> Decide(CallLegalVicePrincipal c, BullyingCase s)
    {
        EnsureOpen(s);
        if (!c.CurrentAtSchool)
        {
            throw new RuleViolation("not-current-legal-vice-principal",
                "该聘任不是本校在任的法治副校长 / The appointment is not a current legal vice-principal of the case's school.");
        }
        if (string.IsNullOrEmpty(c.Subject))
        {
            throw new RuleViolation("legal-vice-principal-unclaimed",
                "该法治副校长尚未登录认领聘任，暂不能通知 / The legal vice-principal has not claimed the appointment yet (they sign in and claim it), so cannot be called.");
        }
        return s.LegalVicePrincipals.Any(l => l.AppointmentId == c.AppointmentId)
            ? []
            : [new BullyingLegalVicePrincipalCalled(s.Id, c.AppointmentId, c.Subject, c.By, c.Now)];
    }

    /// <summary>A closed case's narrative may be erased, once.</summary>
    public static IReadOnlyList<object> Decide(EraseBullyingCase c, BullyingCase s)
    {
        if (s.Status != CaseStatus.Closed)
        {
            throw new RuleViolation("case-not-closed", "结案后才能销毁案件内容 / Only a closed case's narrative can be erased.");
        }
        if (s.ErasedAt is not null)
        {
            throw new RuleViolation("case-erased", "案件内容已销毁 / The case's narrative has been erased already.");
        }
        return [new BullyingCaseErased(s.Id, c.By, c.Now)];
    }

    private static IEnumerable<object> PartyEvents(Guid caseId, Guid schoolId, string county, Party party, DateTimeOffset now)
    {
        yield return new BullyingPartyAdded(caseId, party.StudentId, party.Role, now);
        if (party.Role == PartyRole.Target)
        {
            yield return new BullyingTargetReferred(caseId, NameBasedIds.Create(caseId, $"support-request:{party.StudentId:N}"),
                party.StudentId, schoolId, county, now);
        }
    }

    private static void EnsureOpen(BullyingCase s)
    {
        if (s.Status == CaseStatus.Closed)
        {
            throw new RuleViolation("case-closed", "本案已结案 / The case is closed.");
        }
    }
}
