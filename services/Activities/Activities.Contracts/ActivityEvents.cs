namespace JiaoLianTi.Activities.Contracts;

// Activities' integration events. Students appear by opaque id only: no names, no classes, no birth dates.
// Version 1. Contracts change only by adding optional members; a breaking change is a new record.

/// <summary>活动发布: an activity opened for registration.</summary>
/// <param name="Kind"><c>StudyTrip</c> 研学实践, <c>CommunityClass</c> 社区实践课堂, <c>VolunteerService</c>, <c>Lecture</c>, <c>Sport</c>.</param>
/// <param name="SchoolId">The school that runs it, if a school does.</param>
/// <param name="AllianceId">The alliance that runs it, or whose resource it uses.</param>
/// <param name="ResourceId">The alliance resource it uses (Alliances' <c>ResourcePublished</c>), if any.</param>
/// <param name="Topics">Topic tags (the six pairings of docs/glossary.md, as in Alliances.Contracts.Pairings).</param>
/// <param name="Dimensions">五育 it serves (<see cref="FiveEducations"/>), added in version 1.1.</param>
/// <param name="BaseId">The base it uses (a resource of Alliances' catalogue), if any; version 1.1.</param>
/// <zh>活动发布：研学、社区课堂、志愿服务、讲座或体育活动开放报名。</zh>
/// <en>An activity (study trip, community class, volunteer service, lecture, sport) opened for registration.</en>
/// <version>1.1</version>
public sealed record ActivityPublished(
    Guid ActivityId, string Kind, Guid? SchoolId, Guid? AllianceId, Guid? ResourceId, string Title,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Seats, string CountyCode, IReadOnlyList<string> Topics,
    DateTimeOffset PublishedAt, IReadOnlyList<string>? Dimensions = null, Guid? BaseId = null);

/// <summary>活动取消: an activity was cancelled, with the reason (about the activity, never about a child).</summary>
/// <param name="StudentIds">
/// The students (opaque ids) who held a seat or were on the waitlist when it was cancelled, in the order they
/// registered, so that their families are told; version 1.1 (absent for a cancellation before it).
/// </param>
/// <zh>活动取消：活动被取消，附原因（关于活动，不涉及儿童）和当时已报名、候补学生的不透明 id（通知其家庭）。</zh>
/// <en>An activity was cancelled, with the reason (about the activity, never about a child) and the opaque ids of the students registered or waitlisted then (their families are told).</en>
/// <version>1.1</version>
public sealed record ActivityCancelled(Guid ActivityId, string Reason, DateTimeOffset CancelledAt, IReadOnlyList<Guid>? StudentIds = null);

/// <summary>活动完成: an activity took place. ParentSchool recommends related courses to the school's parents.</summary>
/// <param name="Dimensions">五育 it served (<see cref="FiveEducations"/>), added in version 1.1.</param>
/// <zh>活动完成：活动已举行，家长学校据此推荐相关课程。</zh>
/// <en>An activity took place; ParentSchool recommends related courses to the school's parents.</en>
/// <version>1.1</version>
public sealed record ActivityCompleted(
    Guid ActivityId, string Kind, Guid? SchoolId, string CountyCode, IReadOnlyList<string> Topics,
    DateTimeOffset CompletedAt, IReadOnlyList<string>? Dimensions = null);

/// <summary>
/// 安全预案送审: an off-campus activity asks CampusSafety to review its safety plan. It cannot open before
/// CampusSafety answers <c>SafetyPlanApproved</c> (or is refused by <c>SafetyPlanRejected</c>).
/// </summary>
/// <param name="Location">Where it takes place.</param>
/// <param name="Participants">How many students at most.</param>
/// <param name="Arrangements">The organiser's safety arrangements: transport, supervising adults, emergency contacts
/// (of the organisers, not of children), insurance.</param>
/// <zh>安全预案送审：校外活动请护校安园审查其安全预案，审查通过前不得开放。</zh>
/// <en>An off-campus activity asks CampusSafety to review its safety plan; it cannot open before the answer.</en>
/// <version>1</version>
public sealed record SafetyPlanRequested(
    Guid ActivityId, Guid? SchoolId, string CountyCode, string Title, string Location, DateTimeOffset StartsAt,
    DateTimeOffset EndsAt, int Participants, string Arrangements, DateTimeOffset RequestedAt);

/// <summary>报名确认: a student holds a seat.</summary>
/// <param name="FromWaitlist">True when a seat came free and the student was promoted from the waitlist (候补转正).</param>
/// <zh>报名确认：一名学生（不透明 id）获得名额，可能由候补转正。</zh>
/// <en>A student (opaque id) holds a seat, possibly promoted from the waitlist.</en>
/// <version>1</version>
public sealed record RegistrationConfirmed(Guid ActivityId, Guid StudentId, DateTimeOffset ConfirmedAt, bool FromWaitlist = false);

/// <summary>志愿时长认定: a teacher approved a student's volunteer hours for an activity.</summary>
/// <zh>志愿时长认定：教师认定了学生（不透明 id）在活动中的志愿时长。</zh>
/// <en>A teacher approved a student's (opaque id) volunteer hours for an activity.</en>
/// <version>1</version>
public sealed record VolunteerHoursApproved(Guid ActivityId, Guid StudentId, decimal Hours, DateTimeOffset ApprovedAt);

/// <summary>五育: the dimensions an activity or an after-school programme serves, as the strings the contracts carry.</summary>
public static class FiveEducations
{
    /// <summary>德育（思政） moral</summary>
    public const string Moral = "Moral";
    /// <summary>智育（科学教育） intellectual</summary>
    public const string Intellectual = "Intellectual";
    /// <summary>体育 physical</summary>
    public const string Physical = "Physical";
    /// <summary>美育 aesthetic</summary>
    public const string Aesthetic = "Aesthetic";
    /// <summary>劳动教育 labour</summary>
    public const string Labour = "Labour";
}
