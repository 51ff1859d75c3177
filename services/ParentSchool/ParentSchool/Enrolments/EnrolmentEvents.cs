using JiaoLianTi.ParentSchool.Courses;

namespace JiaoLianTi.ParentSchool.Enrolments;

/// <summary>
/// A parent enrolled in the version of a course published at that moment. The lesson ids of that version, the
/// topic, school and county travel with the enrolment, so that completing a lesson reads this stream only and the
/// roll-ups route each event without a lookup.
/// </summary>
public record EnrolmentStarted(
    Guid EnrolmentId, Guid ParentId, Guid CourseId, int CourseVersion, string CourseTitle, CourseTopic Topic,
    Guid[] LessonIds, Guid? SchoolId, string CountyCode, DateTimeOffset At);

/// <summary>学习进度: a lesson was completed (once: a second completion appends nothing).</summary>
public record LessonCompleted(
    Guid EnrolmentId, Guid LessonId, CourseTopic Topic, Guid? SchoolId, string CountyCode, DateTimeOffset At);

/// <summary>结业: every lesson of the enrolled version is done; <paramref name="CertificateId"/> verifies it.</summary>
public record EnrolmentCompleted(
    Guid EnrolmentId, Guid ParentId, Guid CourseId, CourseTopic Topic, Guid? SchoolId, string CountyCode,
    Guid CertificateId, DateTimeOffset At);

public enum EnrolmentStatus { InProgress, Completed }
