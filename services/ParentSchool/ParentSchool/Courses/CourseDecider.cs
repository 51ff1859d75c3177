using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.ParentSchool.Courses;

public record DraftCourse(
    Guid CourseId, CourseContent Content, CourseScope Scope, string RegionCode, Guid? SchoolId, string Author,
    DateTimeOffset Now);

public record ReviseCourseDraft(Guid CourseId, CourseContent Content, string By, DateTimeOffset Now);

public record PublishCourse(Guid CourseId, string By, DateTimeOffset Now);

public record RetireCourse(Guid CourseId, string By, DateTimeOffset Now);

/// <summary>The micro-course's rules, pure: draft -> published -> (new draft -> published again) -> retired.</summary>
public static class CourseDecider
{
    public static IReadOnlyList<object> Decide(DraftCourse command, MicroCourse? state) => state switch
    {
        null => [new CourseDrafted(command.CourseId, command.Content, command.Scope, command.RegionCode, command.SchoolId,
            command.Author, command.Now)],
        _ => throw new RuleViolation("course-exists", "微课程已存在 / The course already exists."),
    };

    public static IReadOnlyList<object> Decide(ReviseCourseDraft command, MicroCourse state)
    {
        RefuseRetired(state);
        if (state.Current is { } current)
        {
            // Lessons of the enrolled version stay valid for their parents; a lesson id reused in a new version must
            // still be the same lesson, so ids only ever mean one thing.
            var clash = command.Content.Lessons.FirstOrDefault(l =>
                state.Versions.SelectMany(v => v.Content.Lessons).Any(old => old.LessonId == l.LessonId)
                && !current.Content.Lessons.Any(old => old.LessonId == l.LessonId));
            if (clash is not null)
            {
                throw new RuleViolation("lesson-id-retired",
                    $"课时 {clash.LessonId} 属于旧版本，不能复用 / Lesson {clash.LessonId} belongs to an older version and cannot be reused.");
            }
        }
        return [new CourseDraftRevised(command.CourseId, command.Content, command.By, command.Now)];
    }

    public static IReadOnlyList<object> Decide(PublishCourse command, MicroCourse state)
    {
        RefuseRetired(state);
        if (state.Draft is null)
        {
            throw new RuleViolation("nothing-to-publish",
                "没有待发布的新版本 / There is no draft to publish: revise the course first.");
        }
        return [new CoursePublished(command.CourseId, state.PublishedVersion + 1, state.Draft, state.Scope,
            state.RegionCode, state.SchoolId, command.By, command.Now)];
    }

    public static IReadOnlyList<object> Decide(RetireCourse command, MicroCourse state)
    {
        RefuseRetired(state);
        if (state.Status != CourseStatus.Published)
        {
            throw new RuleViolation("course-not-published", "草稿不能下架 / A course that was never published cannot be retired.");
        }
        return [new CourseRetired(command.CourseId, command.By, command.Now)];
    }

    private static void RefuseRetired(MicroCourse state)
    {
        if (state.Status == CourseStatus.Retired)
        {
            throw new RuleViolation("course-retired", "微课程已下架 / The course is retired.");
        }
    }
}
