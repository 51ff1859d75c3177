using JiaoLianTi.Alliances.Units;

namespace JiaoLianTi.Alliances.Alliances;

public enum AllianceKind
{
    /// <summary>区域教联体: led by a county (district) education bureau.</summary>
    Regional,
    /// <summary>校级教联体: led by one school.</summary>
    School,
}

/// <summary>proposed -> established -> suspended -> (re-)established, or dissolved for good.</summary>
public enum AllianceStatus { Proposed, Established, Suspended, Dissolved }

/// <summary>A unit's role in an alliance: the lead unit (牵头单位), an ordinary member, or a partner/adviser.</summary>
public enum MemberRole { Lead, Member, Partner, Adviser }

/// <summary>筹建: an alliance is proposed (a charter drafted), not yet established.</summary>
public record AllianceProposed(
    Guid AllianceId, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, Guid? LeadUnitId,
    string? Charter, string ProposedBy, DateTimeOffset At);

public record AllianceEstablished(
    Guid AllianceId, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, string EstablishedBy,
    DateTimeOffset At, Guid? LeadUnitId = null, string? Charter = null);

public record AllianceSuspended(Guid AllianceId, string CountyCode, string Reason, string SuspendedBy, DateTimeOffset At);

public record AllianceReestablished(Guid AllianceId, string CountyCode, string ReestablishedBy, DateTimeOffset At);

public record AllianceDissolved(Guid AllianceId, string CountyCode, string Reason, string DissolvedBy, DateTimeOffset At);

public record CharterAmended(Guid AllianceId, string Charter, string AmendedBy, DateTimeOffset At);

/// <summary>A unit joined. Carries what the membership read model and the contract need (kind, county).</summary>
public record MemberJoined(
    Guid AllianceId, Guid UnitId, MemberUnitKind UnitKind, string CountyCode, MemberRole Role, string JoinedBy,
    DateTimeOffset At);

/// <summary>A unit left (or the alliance was dissolved). Repeats the joining facts so the read model needs no lookup.</summary>
public record MemberLeft(
    Guid AllianceId, Guid UnitId, MemberUnitKind UnitKind, string CountyCode, MemberRole Role, DateTimeOffset JoinedAt,
    string Reason, string LeftBy, DateTimeOffset At);
