namespace JiaoLianTi.ParentSchool.Courses;

/// <summary>微课程主题 / the topics of courses and library items (docs/glossary.md, Parent school).</summary>
public enum CourseTopic
{
    /// <summary>手机管理</summary>
    PhoneUse,
    /// <summary>挫折教育</summary>
    Resilience,
    /// <summary>心理健康</summary>
    MentalHealth,
    /// <summary>安全教育</summary>
    Safety,
    /// <summary>交通安全</summary>
    RoadSafety,
    /// <summary>防欺凌</summary>
    AntiBullying,
    /// <summary>学习习惯</summary>
    StudyHabits,
    /// <summary>亲子沟通</summary>
    ParentChildCommunication,
    /// <summary>法治教育</summary>
    Law,
    /// <summary>体育锻炼</summary>
    PhysicalActivity,
}

/// <summary>Who a course (or library item) is for: the province, a county, or one school.</summary>
public enum CourseScope { Province, County, School }

public enum CourseStatus { Draft, Published, Retired }

/// <summary>One lesson of a micro-course: Markdown text and links to video.</summary>
public sealed record Lesson(Guid LessonId, string Title, int DurationMinutes, string Text, string[] VideoLinks);

/// <summary>What one version of a course says.</summary>
public sealed record CourseContent(string Title, CourseTopic Topic, int[] TargetGrades, Lesson[] Lessons);

public record CourseDrafted(
    Guid CourseId, CourseContent Content, CourseScope Scope, string RegionCode, Guid? SchoolId, string Author,
    DateTimeOffset At);

/// <summary>The draft (of the first version, or of the next one while the current stays published) was changed.</summary>
public record CourseDraftRevised(Guid CourseId, CourseContent Content, string RevisedBy, DateTimeOffset At);

/// <summary>The draft became version <paramref name="Version"/>; parents enrolled in an earlier version keep theirs.</summary>
public record CoursePublished(
    Guid CourseId, int Version, CourseContent Content, CourseScope Scope, string RegionCode, Guid? SchoolId,
    string PublishedBy, DateTimeOffset At);

public record CourseRetired(Guid CourseId, string RetiredBy, DateTimeOffset At);
