namespace JiaoLianTi.Alliances.Contracts;

/// <summary>
/// 成员单位类型: the kinds of member unit, as the strings the contracts carry. A school is a member unit of kind
/// <see cref="School"/>; its unit id is the school id every service and every token (claim <c>school_id</c>) uses.
/// </summary>
public static class MemberUnitKinds
{
    public const string School = "School";
    public const string FamilyCommittee = "FamilyCommittee";
    public const string PoliceStation = "PoliceStation";
    public const string TrafficPolice = "TrafficPolice";
    public const string MarketRegulator = "MarketRegulator";
    public const string CommunityCommittee = "CommunityCommittee";
    public const string StreetOffice = "StreetOffice";
    public const string Library = "Library";
    public const string Museum = "Museum";
    public const string ScienceCentre = "ScienceCentre";
    public const string MemorialVenue = "MemorialVenue";
    public const string Theatre = "Theatre";
    public const string SportsVenue = "SportsVenue";
    public const string Hospital = "Hospital";
    public const string MentalHealthCentre = "MentalHealthCentre";
    public const string University = "University";
    public const string ResearchInstitute = "ResearchInstitute";
    public const string Enterprise = "Enterprise";
    public const string WomensFederation = "WomensFederation";
    public const string YouthLeague = "YouthLeague";
    public const string Other = "Other";
    /// <summary>检察院 (a 法治副校长 may come from it). Added in version 1.1.</summary>
    public const string Procuratorate = "Procuratorate";
    /// <summary>法院 (a 法治副校长 may come from it). Added in version 1.1.</summary>
    public const string Court = "Court";
}

/// <summary>The six pairings (docs/glossary.md), as the topic tags resources and activities carry.</summary>
public static class Pairings
{
    /// <summary>馆校协同</summary>
    public const string VenueSchool = "VenueSchool";
    /// <summary>医教互促</summary>
    public const string MedicalEducation = "MedicalEducation";
    /// <summary>体教互融</summary>
    public const string SportEducation = "SportEducation";
    /// <summary>家校互动</summary>
    public const string FamilySchool = "FamilySchool";
    /// <summary>社教同频</summary>
    public const string CommunityEducation = "CommunityEducation";
    /// <summary>警校共育</summary>
    public const string PoliceSchool = "PoliceSchool";
}

/// <summary>
/// 成员单位登记: a unit entered the directory (a school, a police station, a hospital ...). Other services learn from it
/// which schools exist and in which county. No contact person: that stays in Alliances.
/// </summary>
/// <param name="Kind">One of <see cref="MemberUnitKinds"/>.</param>
/// <param name="CountyCode">The 6-digit division code of the unit's county.</param>
/// <zh>成员单位登记：学校、派出所、医院等单位进入名录，其他服务据此得知单位类型与所在县；不含联系人。</zh>
/// <en>A unit (a school, police station, hospital …) entered the directory; other services learn its kind and county. No contact person.</en>
/// <version>2</version>
public sealed record MemberUnitRegistered(
    Guid UnitId, string Kind, string Name, string CountyCode, DateTimeOffset RegisteredAt, long? Version = null);

/// <summary>
/// 成员单位加入: a unit joined an alliance. With <see cref="AllianceEstablished"/> this says which police, traffic
/// police, market regulators and hospitals serve which schools: the units and the schools of one alliance.
/// </summary>
/// <param name="Role">The unit's role in the alliance: <c>Lead</c>, <c>Member</c> …</param>
/// <zh>成员单位加入：单位加入教联体；与教联体成立事件一起说明哪些警务、交警、市场监管和医院服务哪些学校。</zh>
/// <en>A unit joined an alliance; with the establishment it says which police, traffic police, market regulators and hospitals serve which schools.</en>
/// <version>2</version>
public sealed record MemberJoined(
    Guid AllianceId, Guid UnitId, string UnitKind, string CountyCode, string Role, DateTimeOffset JoinedAt, long? Version = null);

/// <summary>成员单位退出: a unit left an alliance (or the alliance was dissolved).</summary>
/// <zh>成员单位退出：单位退出教联体（或教联体撤销）。</zh>
/// <en>A unit left an alliance (or the alliance was dissolved).</en>
/// <version>2</version>
public sealed record MemberLeft(Guid AllianceId, Guid UnitId, DateTimeOffset LeftAt, long? Version = null);
