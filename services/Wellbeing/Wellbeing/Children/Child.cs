using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;

namespace JiaoLianTi.Wellbeing.Children;

/// <summary>A time-limited grant to one person: the grantee's subject, the issuer of their token, and where they work
/// (a member unit's officer, or the staff of a school: the child's own unless the grant names another).</summary>
public sealed record Grant(Guid GrantId, string Grantee, DateTimeOffset Until, bool Revoked,
    Guid? GranteeSchoolId = null, Guid? GranteeUnitId = null, string? Issuer = null);

/// <summary>A care category and its follow-up clock: when the child was last followed up for it, and which due
/// moment has already been reported missed (so the check alerts once per missed follow-up).</summary>
public sealed record CareEntry(CareCategory Category, CareSource Source, DateTimeOffset Since, DateTimeOffset LastFollowUp, DateTimeOffset? MissedReportedFor);

/// <summary>The child record stream's state, also its inline read model. Holds ciphertext only.</summary>
public sealed record Child(
    Guid Id, Guid SchoolId, string CountyCode, Sealed? Details, bool UnderFourteen, ConsentStatus? Consent,
    DateTimeOffset? ConsentAt, string? Counsellor, IReadOnlyList<CareEntry> Categories, IReadOnlyList<Grant> Grants,
    Tier? Tier, int? LastScore, DateTimeOffset? LastScreenedAt, DateTimeOffset RecordedAt, DateTimeOffset LastActivityAt,
    bool Erased, ErasureReason? ErasedFor, DateTimeOffset? ErasedAt)
{
    public long Version { get; set; }

    /// <summary>The issuer of the assigned counsellor's token (null for assignments recorded before issuers were kept).</summary>
    public string? CounsellorIssuer { get; init; }

    public static Child Create(ChildRecorded e) =>
        new(e.StudentId, e.SchoolId, e.CountyCode, e.Details, e.UnderFourteen, e.Consent, e.Consent is null ? null : e.At,
            null, [], [], null, null, null, e.At, e.At, false, null, null);

    public Child Apply(ConsentRecorded e) => this with { Consent = e.Status, ConsentAt = e.At, LastActivityAt = e.At };

    public Child Apply(CareCategoryAssigned e) => this with
    {
        Categories = [.. Categories, new CareEntry(e.Category, e.Source, e.At, e.At, null)], LastActivityAt = e.At,
    };

    public Child Apply(CounsellorAssigned e) => this with { Counsellor = e.Counsellor, CounsellorIssuer = e.Issuer, LastActivityAt = e.At };

    public Child Apply(AccessGranted e) => this with
    {
        Grants = [.. Grants, new Grant(e.GrantId, e.Grantee, e.Until, false, e.GranteeUnitId is null ? e.GranteeSchoolId ?? SchoolId : null,
            e.GranteeUnitId, e.Issuer)],
    };

    public Child Apply(AccessRevoked e) => this with
    {
        Grants = Grants.Select(g => g.GrantId == e.GrantId ? g with { Revoked = true } : g).ToArray(),
    };

    public Child Apply(ScreeningResultRecorded e) => this with
    {
        Tier = e.Tier, LastScore = e.Score, LastScreenedAt = e.At, LastActivityAt = e.At,
    };

    public Child Apply(TierChanged e) => this;

    public Child Apply(FollowUpRecorded e) => this with
    {
        Categories = Categories.Select(c => c with { LastFollowUp = e.At }).ToArray(), LastActivityAt = e.At,
    };

    public Child Apply(FollowUpMissed e) => this with
    {
        Categories = Categories.Select(c => c.Category == e.Category ? c with { MissedReportedFor = e.DueAt } : c).ToArray(),
    };

    public Child Apply(ChildErased e) => this with
    {
        Erased = true, ErasedFor = e.Reason, ErasedAt = e.At, Details = null, Grants = [], LastActivityAt = e.At,
    };

    /// <summary>A record a plan can rest on: not erased, with a guardian's consent.</summary>
    public bool HasConsent => !Erased && Consent == ConsentStatus.Given;

    /// <summary>An active grant of <paramref name="subject"/> at <paramref name="now"/>, if any.</summary>
    public Grant? ActiveGrant(string subject, DateTimeOffset now) =>
        Grants.FirstOrDefault(g => g.Grantee == subject && !g.Revoked && g.Until > now);

    /// <summary>An active grant to this caller as a person: their subject and issuer, at the school or unit the grant
    /// names (a grant recorded before that was kept: the child's school, or the unit for a member unit's officer).</summary>
    public Grant? ActiveGrant(Platform.Identity.Caller caller, DateTimeOffset now) =>
        Grants.FirstOrDefault(g => !g.Revoked && g.Until > now && caller.Is(g.Grantee, g.Issuer)
            && (g.GranteeUnitId is { } unit ? caller.MemberUnitId == unit : caller.SchoolId == (g.GranteeSchoolId ?? SchoolId)));
}
