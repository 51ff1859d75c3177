namespace JiaoLianTi.Activities.Contracts;

// 课后服务 after-school programmes' integration events (version 1). Students never appear in them, not even by id:
// what leaves is the programme, its provider and the hours given.

/// <summary>课后服务开放报名: a school's after-school programme opened for enrolment for a term.</summary>
/// <param name="Term"><c>2026-autumn</c> (1 September to 31 January) or <c>2027-spring</c> (1 February to 31 July).</param>
/// <param name="Weekdays">The weekdays it meets (<c>Monday</c> … <c>Friday</c>).</param>
/// <param name="StartTime">China time, <c>HH:mm</c>.</param>
/// <param name="ProviderKind"><c>MemberUnit</c> (with its unit, alliance and resource) or <c>SchoolStaff</c>.</param>
/// <param name="Dimensions">五育 it serves (<see cref="FiveEducations"/>).</param>
/// <param name="BaseId">The base it uses (a resource of Alliances' catalogue), if any.</param>
/// <zh>课后服务开放报名：学校的课后服务项目在某学期开放报名，含提供方。</zh>
/// <en>A school's after-school programme opened for enrolment for a term, with its provider.</en>
/// <version>1</version>
public sealed record ProgrammePublished(
    Guid ProgrammeId, Guid SchoolId, string CountyCode, string Term, string Title, IReadOnlyList<string> Weekdays,
    string StartTime, string EndTime, int Places, string ProviderKind, Guid? ProviderUnitId, Guid? ProviderAllianceId,
    Guid? ResourceId, IReadOnlyList<string> Dimensions, Guid? BaseId, DateTimeOffset PublishedAt);

/// <summary>
/// 课后服务课时: a session of a programme was held (its attendance first recorded): the provider gave
/// <paramref name="Hours"/> hours. Summed per provider and term, these are a provider's hours (e.g. for a sports
/// venue's or a theatre's own report of its service to schools).
/// </summary>
/// <zh>课后服务课时：课后服务举行了一次课，提供方提供了若干课时；不含学生。</zh>
/// <en>A session of an after-school programme was held: the provider gave so many hours. No student appears.</en>
/// <version>1</version>
public sealed record ProgrammeSessionHeld(
    Guid ProgrammeId, Guid SchoolId, string CountyCode, string Term, DateOnly Date, decimal Hours, string ProviderKind,
    Guid? ProviderUnitId, DateTimeOffset RecordedAt);

/// <summary>
/// 课后服务提供方退出: the member unit giving a programme left the alliance it offered its resource in; the programme
/// is flagged for its school (which chooses another provider, its own staff, or cancels).
/// </summary>
/// <zh>课后服务提供方退出：提供课后服务的成员单位退出了教联体，项目被标记待学校处理。</zh>
/// <en>The member unit giving an after-school programme left the alliance; the programme is flagged for its school.</en>
/// <version>1</version>
public sealed record ProgrammeProviderLeft(Guid ProgrammeId, Guid SchoolId, Guid UnitId, Guid AllianceId, DateTimeOffset FlaggedAt);
