namespace JiaoLianTi.CampusSafety.Bullying;

/// <summary>What a list shows: no parties, no narrative. Only the case itself (a recorded read) shows those.
/// <see cref="ReceiptCode"/> is in the answer to the report only, once: the reporter keeps it to follow the case.</summary>
public sealed record BullyingCaseSummary(
    Guid Id, Guid SchoolId, int Grade, CaseStatus Status, DateTimeOffset ReportedAt, DateTimeOffset InvestigationDueAt,
    bool? IsBullying, string? Counsellor, string? ReceiptCode = null, string? SchoolName = null)
{
    public static BullyingCaseSummary Of(BullyingCase c) =>
        new(c.Id, c.SchoolId, c.Grade, c.Status, c.ReportedAt, c.InvestigationDueAt, c.IsBullying, c.Counsellor);
}

/// <summary>A case as the need-to-know read it: its sealed text opened with the case's key (null once erased).</summary>
public sealed record BullyingCaseView(
    Guid Id, Guid SchoolId, string CountyCode, int Grade, string? Summary, bool Anonymous, string? ReportedBy,
    CaseStatus Status, DateTimeOffset ReportedAt, DateTimeOffset InvestigationDueAt, IReadOnlyList<Party> Parties,
    string? Counsellor, bool? IsBullying, string? Findings, DateTimeOffset? DeterminedAt, IReadOnlyList<Measure> Measures,
    DateTimeOffset? ClosedAt, bool Erased)
{
    public static BullyingCaseView Of(BullyingCase c, RecordKey? key) =>
        new(c.Id, c.SchoolId, c.CountyCode, c.Grade, RecordCipher.Open(key, c.Summary), c.Anonymous, c.ReportedBy, c.Status,
            c.ReportedAt, c.InvestigationDueAt, c.Parties, c.Counsellor, c.IsBullying, RecordCipher.Open(key, c.Findings),
            c.DeterminedAt, c.Measures.Select(m => m with { Description = RecordCipher.Open(key, m.Description) ?? "" }).ToList(),
            c.ClosedAt, c.ErasedAt is not null);
}

public sealed record CaseReadRecord(string Reader, string ReaderRole, string Reason, DateTimeOffset At, bool Refused = false);

/// <summary>
/// What the reporter follows of their own report: where it stands and by when it is to be determined; no parties, no
/// narrative, no findings, no names.
/// </summary>
public sealed record ReportStatus(
    Guid Id, Guid SchoolId, CaseStatus Status, DateTimeOffset ReportedAt, DateTimeOffset InvestigationDueAt,
    bool InvestigationOverdue, DateTimeOffset? DeterminedAt, DateTimeOffset? ClosedAt)
{
    public static ReportStatus Of(BullyingCase c, DateTimeOffset now) =>
        new(c.Id, c.SchoolId, c.Status, c.ReportedAt, c.InvestigationDueAt,
            c.Status == CaseStatus.Reported && c.InvestigationDueAt < now, c.DeterminedAt, c.ClosedAt);
}

/// <summary>One school's cases for the authorities: counts only, small ones shown as "&lt;5".</summary>
public sealed record SchoolCaseCounts(
    Guid SchoolId, string? SchoolName, string CountyCode, IReadOnlyDictionary<CaseStatus, string> ByStatus,
    string InvestigationsOverdue);

public sealed record BullyingSupervision(string Region, DateTimeOffset AsOf, IReadOnlyList<SchoolCaseCounts> Schools);
