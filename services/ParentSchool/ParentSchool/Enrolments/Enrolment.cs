using JiaoLianTi.ParentSchool.Courses;

namespace JiaoLianTi.ParentSchool.Enrolments;

/// <summary>
/// 学习进度: one parent in one course, the stream's state and its inline read model (the parent's own progress,
/// read-your-writes). One stream per enrolment keeps the hot path to one small stream.
/// </summary>
public sealed record Enrolment(
    Guid Id, Guid ParentId, Guid CourseId, int CourseVersion, string CourseTitle, CourseTopic Topic, Guid[] LessonIds,
    Guid[] CompletedLessonIds, Guid? SchoolId, string CountyCode, EnrolmentStatus Status, Guid? CertificateId,
    DateTimeOffset StartedAt, DateTimeOffset? CompletedAt)
{
    public long Version { get; set; }

    public static Enrolment Create(EnrolmentStarted e) =>
        new(e.EnrolmentId, e.ParentId, e.CourseId, e.CourseVersion, e.CourseTitle, e.Topic, e.LessonIds, [],
            e.SchoolId, e.CountyCode, EnrolmentStatus.InProgress, null, e.At, null);

    public Enrolment Apply(LessonCompleted e) => this with { CompletedLessonIds = [.. CompletedLessonIds, e.LessonId] };

    public Enrolment Apply(EnrolmentCompleted e) =>
        this with { Status = EnrolmentStatus.Completed, CertificateId = e.CertificateId, CompletedAt = e.At };
}
