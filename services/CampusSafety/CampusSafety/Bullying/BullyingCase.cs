using JiaoLianTi.CampusSafety;
using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.CampusSafety.Bullying;

public enum PartyRole { Target, Initiator, Witness }

public enum CaseStatus { Reported, Determined, Closed }

public sealed record Party(Guid StudentId, PartyRole Role);

public sealed record CalledLegalVicePrincipal(Guid AppointmentId, string Subject, DateTimeOffset CalledAt);

public sealed record Measure(Guid Id, string Description, string By, DateTimeOffset At);

/// <param name="ReceiptHash">SHA-256 of the receipt code the reporter was given (the code itself is never stored): with
/// it, an anonymous reporter follows the case's status. Null on cases reported before receipts existed.</param>
public record BullyingCaseReported(
    Guid CaseId, Guid SchoolId, string CountyCode, int Grade, string Summary, bool Anonymous, string? ReportedBy,
    DateTimeOffset InvestigationDueAt, DateTimeOffset At, string? ReceiptHash = null);

public record BullyingPartyAdded(Guid CaseId, Guid StudentId, PartyRole Role, DateTimeOffset At);

/// <summary>The target is referred to Wellbeing (心链网络) for support, by opaque id only.</summary>
public record BullyingTargetReferred(Guid CaseId, Guid RequestId, Guid StudentId, Guid SchoolId, string CountyCode, DateTimeOffset At);

public record BullyingCounsellorAssigned(Guid CaseId, string Counsellor, string By, DateTimeOffset At);

public record BullyingCaseDetermined(Guid CaseId, bool IsBullying, string Findings, string By, DateTimeOffset At);

public record BullyingMeasureRecorded(Guid CaseId, Guid MeasureId, string Description, string By, DateTimeOffset At);

public record BullyingCaseClosed(Guid CaseId, string By, DateTimeOffset At);

/// <summary>警校共育: the school called its legal vice-principal (法治副校长) to the case; they read it (each read recorded) while
/// their appointment is current.</summary>
public record BullyingLegalVicePrincipalCalled(Guid CaseId, Guid AppointmentId, string Subject, string By, DateTimeOffset At);

/// <summary>The case's key was deleted: its narrative can never be read again (crypto-shredding).</summary>
public record BullyingCaseErased(Guid CaseId, string By, DateTimeOffset At);

/// <summary>Someone read the case: who, in which role, why, when. Kept on the case's access log stream.</summary>
/// <param name="Refused">A refused attempt (the reader had no need to know): nothing was answered.</param>
public record BullyingCaseRead(Guid CaseId, string Reader, string ReaderRole, string Reason, DateTimeOffset At, bool Refused = false);

/// <summary>
/// 校园欺凌防治: the case's state, also its inline read model (served only to the need-to-know). Its free text
/// (summary, findings, measures) is sealed with the case's own key before it is appended (<see cref="RecordCipher"/>).
/// </summary>
public sealed record BullyingCase(
    Guid Id, Guid SchoolId, string CountyCode, int Grade, string Summary, bool Anonymous, string? ReportedBy,
    CaseStatus Status, DateTimeOffset ReportedAt, DateTimeOffset InvestigationDueAt)
{
    public long Version { get; set; }
    public IReadOnlyList<Party> Parties { get; init; } = [];
    public string? Counsellor { get; init; }
    public bool? IsBullying { get; init; }
    public string? Findings { get; init; }
    public DateTimeOffset? DeterminedAt { get; init; }
    public IReadOnlyList<Measure> Measures { get; init; } = [];
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? ErasedAt { get; init; }
    /// <summary>The hash of the reporter's receipt code (see <see cref="Receipts"/>).</summary>
    public string? ReceiptHash { get; init; }
    /// <summary>The legal vice-principals called to the case: their appointment, and their token subject.</summary>
    public IReadOnlyList<CalledLegalVicePrincipal> LegalVicePrincipals { get; init; } = [];

    /// <summary>The stream that records every read of this case.</summary>
    public static Guid AccessLogId(Guid caseId) => NameBasedIds.Create(caseId, "bullying-case-access-log");

    public static BullyingCase Create(BullyingCaseReported e) =>
        new(e.CaseId, e.SchoolId, e.CountyCode, e.Grade, e.Summary, e.Anonymous, e.ReportedBy, CaseStatus.Reported,
            e.At, e.InvestigationDueAt) { ReceiptHash = e.ReceiptHash };

    public BullyingCase Apply(BullyingPartyAdded e) => this with { Parties = [.. Parties, new Party(e.StudentId, e.Role)] };

    public BullyingCase Apply(BullyingTargetReferred e) => this;

    public BullyingCase Apply(BullyingCounsellorAssigned e) => this with { Counsellor = e.Counsellor };

    public BullyingCase Apply(BullyingCaseDetermined e) =>
        this with { Status = CaseStatus.Determined, IsBullying = e.IsBullying, Findings = e.Findings, DeterminedAt = e.At };

    public BullyingCase Apply(BullyingMeasureRecorded e) =>
        this with { Measures = [.. Measures, new Measure(e.MeasureId, e.Description, e.By, e.At)] };

    public BullyingCase Apply(BullyingCaseClosed e) => this with { Status = CaseStatus.Closed, ClosedAt = e.At };

    public BullyingCase Apply(BullyingCaseErased e) => this with { ErasedAt = e.At };

    public BullyingCase Apply(BullyingLegalVicePrincipalCalled e) =>
        this with { LegalVicePrincipals = [.. LegalVicePrincipals, new CalledLegalVicePrincipal(e.AppointmentId, e.Subject, e.At)] };
}
