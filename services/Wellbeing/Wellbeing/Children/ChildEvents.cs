using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;

namespace JiaoLianTi.Wellbeing.Children;

public enum ConsentStatus { Given, Refused, Withdrawn }

/// <summary>困境儿童 / 留守儿童 / 流动儿童.</summary>
public enum CareCategory { VulnerableChild, LeftBehindChild, MigrantChild }

/// <summary>Who said the child belongs to a care category.</summary>
public enum CareSource { CivilAffairs, School, Community, Health, Guardian }

/// <summary>Screening tiers, from the configurable thresholds (<see cref="Screening.TierThresholds"/>).</summary>
public enum Tier { Green, Yellow, Orange, Red }

public enum ErasureReason { PurposeEnded, ConsentWithdrawn, RetentionExpired, ErasureRequested }

/// <summary>The personal details, as they are sealed (never stored in clear).</summary>
public sealed record PersonalDetails(string Name, DateOnly DateOfBirth, string ClassName, IReadOnlyList<Guardian> Guardians);

public sealed record Guardian(string Name, string Relation, string? Phone);

// Events of the child record stream (id = the student's opaque id, the same in every service). Personal fields are
// Sealed: ciphertext under the child's own key. School and county stay in clear: opaque unit id and division code,
// which need-to-know and the region scope are checked against.

public record ChildRecorded(
    Guid StudentId, Guid SchoolId, string CountyCode, Sealed Details, bool UnderFourteen, ConsentStatus? Consent,
    Sealed? ConsentBy, string RecordedBy, DateTimeOffset At);

public record ConsentRecorded(Guid StudentId, ConsentStatus Status, Sealed? Guardian, string RecordedBy, DateTimeOffset At);

public record CareCategoryAssigned(Guid StudentId, CareCategory Category, CareSource Source, string AssignedBy, DateTimeOffset At);

/// <param name="Issuer">The issuer of the counsellor's token (the assigning admin's own); null in events recorded before.</param>
public record CounsellorAssigned(Guid StudentId, string Counsellor, string AssignedBy, DateTimeOffset At, string? Issuer = null);

/// <param name="GranteeSchoolId">The school the grantee works at (null: the child's, or none when a unit is named).</param>
/// <param name="GranteeUnitId">The member unit the grantee is an officer of, when the grant is to a unit's officer.</param>
public record AccessGranted(
    Guid StudentId, Guid GrantId, string Grantee, Sealed Reason, DateTimeOffset Until, string GrantedBy, DateTimeOffset At,
    Guid? GranteeSchoolId = null, Guid? GranteeUnitId = null, string? Issuer = null);

public record AccessRevoked(Guid StudentId, Guid GrantId, string RevokedBy, DateTimeOffset At);

public record ScreeningResultRecorded(
    Guid StudentId, Guid? RoundId, string Instrument, int Score, Tier Tier, DateOnly TakenOn, string RecordedBy, DateTimeOffset At);

/// <summary>The tier changed: the counsellor is alerted, once per change (not per result).</summary>
public record TierChanged(Guid StudentId, Guid SchoolId, Tier From, Tier To, string? Counsellor, DateTimeOffset At);

public record FollowUpRecorded(Guid StudentId, DateOnly On, Sealed? Notes, string By, DateTimeOffset At);

public record FollowUpMissed(Guid StudentId, Guid SchoolId, CareCategory Category, DateTimeOffset DueAt, string? Counsellor, DateTimeOffset DetectedAt);

/// <summary>Crypto-shredded: the child's keys were deleted; every sealed field of the child is unreadable from now on.</summary>
public record ChildErased(Guid StudentId, ErasureReason Reason, string By, DateTimeOffset At);
