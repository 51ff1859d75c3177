using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.ParentSchool.Enrolments;

public record Enrol(Guid EnrolmentId, Guid ParentId, Guid CourseId, Guid? SchoolId, string CountyCode, DateTimeOffset Now);

/// <summary>Carries the certificate id to give should this lesson complete the course (ids are chosen outside the
/// pure decision).</summary>
public record CompleteLesson(Guid EnrolmentId, Guid LessonId, Guid CertificateIdIfCompleted, DateTimeOffset Now);

public static class EnrolmentDecider
{
    /// <summary>Enrols in the version published now. A retired or unpublished course refuses; so does a second enrolment.</summary>
    public static IReadOnlyList<object> Decide(Enrol command, MicroCourse course, Enrolment? existing)
    {
        if (existing is not null)
        {
            throw new RuleViolation("already-enrolled", "您已报名此课程 / You are already enrolled in this course.");
        }
        if (course.Status == CourseStatus.Retired)
        {
            throw new RuleViolation("course-retired", "微课程已下架，不能报名 / The course is retired: nobody new may enrol.");
        }
        if (course.Current is not { } version || course.Status != CourseStatus.Published)
        {
            throw new RuleViolation("course-not-published", "微课程尚未发布 / The course is not published.");
        }
        return
        [
            new EnrolmentStarted(command.EnrolmentId, command.ParentId, command.CourseId, version.Number,
                version.Content.Title, version.Content.Topic, version.Content.Lessons.Select(l => l.LessonId).ToArray(),
                command.SchoolId, command.CountyCode, command.Now),
        ];
    }

    /// <summary>A lesson of the enrolled version, once; the last one also completes the enrolment.</summary>
    public static IReadOnlyList<object> Decide(CompleteLesson command, Enrolment state)
    {
        if (!state.LessonIds.Contains(command.LessonId))
        {
            throw new RuleViolation("lesson-not-in-version",
                $"课时不属于您报名的第 {state.CourseVersion} 版 / The lesson is not part of version {state.CourseVersion}, the one you enrolled in.");
        }
        if (state.CompletedLessonIds.Contains(command.LessonId))
        {
            return [];
        }
        var completed = new LessonCompleted(state.Id, command.LessonId, state.Topic, state.SchoolId, state.CountyCode, command.Now);
        if (state.Status == EnrolmentStatus.InProgress && state.CompletedLessonIds.Length + 1 == state.LessonIds.Length)
        {
            return
            [
                completed,
                new EnrolmentCompleted(state.Id, state.ParentId, state.CourseId, state.Topic, state.SchoolId,
                    state.CountyCode, command.CertificateIdIfCompleted, command.Now),
            ];
        }
        return [completed];
    }
}
