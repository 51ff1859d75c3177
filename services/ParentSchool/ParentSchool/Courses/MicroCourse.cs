namespace JiaoLianTi.ParentSchool.Courses;

/// <summary>A published version of a course, kept for the parents who enrolled in it.</summary>
public sealed record CourseVersion(int Number, CourseContent Content, DateTimeOffset PublishedAt);

/// <summary>
/// 微课程: the course stream's state and its inline read model (the catalogue). Title, topic and grades are those of
/// the published version (of the draft while none is).
/// </summary>
public sealed record MicroCourse(
    Guid Id, CourseScope Scope, string RegionCode, Guid? SchoolId, string Author, CourseStatus Status,
    string Title, CourseTopic Topic, int[] TargetGrades, int PublishedVersion, CourseContent? Draft,
    CourseVersion[] Versions, DateTimeOffset UpdatedAt)
{
    /// <summary>The stream version, set by Marten; the ETag.</summary>
    public long Version { get; set; }

    public CourseVersion? Current => Versions.Length == 0 ? null : Versions[^1];

    public CourseVersion? VersionNumbered(int number) => Versions.FirstOrDefault(v => v.Number == number);

    public static MicroCourse Create(CourseDrafted e) =>
        new(e.CourseId, e.Scope, e.RegionCode, e.SchoolId, e.Author, CourseStatus.Draft, e.Content.Title,
            e.Content.Topic, e.Content.TargetGrades, 0, e.Content, [], e.At);

    public MicroCourse Apply(CourseDraftRevised e) => Status == CourseStatus.Draft
        ? this with { Draft = e.Content, Title = e.Content.Title, Topic = e.Content.Topic, TargetGrades = e.Content.TargetGrades, UpdatedAt = e.At }
        : this with { Draft = e.Content, UpdatedAt = e.At };

    public MicroCourse Apply(CoursePublished e) => this with
    {
        Status = CourseStatus.Published, PublishedVersion = e.Version, Draft = null,
        Title = e.Content.Title, Topic = e.Content.Topic, TargetGrades = e.Content.TargetGrades,
        Versions = [.. Versions, new CourseVersion(e.Version, e.Content, e.At)], UpdatedAt = e.At,
    };

    public MicroCourse Apply(CourseRetired e) => this with { Status = CourseStatus.Retired, Draft = null, UpdatedAt = e.At };
}
