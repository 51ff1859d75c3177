using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

/// <summary>States built from events, as the stream would hold them.</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 19, 0, 0, TimeSpan.FromHours(8));

    public static Lesson Lesson(string title) => new(Guid.NewGuid(), title, 10, "# " + title, ["https://video.example.cn/1"]);

    public static CourseContent Content(string title = "手机管理 Phone use", params Lesson[] lessons) =>
        new(title, CourseTopic.PhoneUse, [3, 4], lessons.Length > 0 ? lessons : [Lesson("一"), Lesson("二")]);

    public static MicroCourse Draft(CourseContent? content = null) =>
        MicroCourse.Create(new CourseDrafted(Guid.NewGuid(), content ?? Content(), CourseScope.County, "510104", null, "county-admin", Now));

    public static MicroCourse Published(CourseContent? content = null)
    {
        var draft = Draft(content);
        return draft.Apply((CoursePublished)CourseDecider.Decide(new PublishCourse(draft.Id, "county-admin", Now), draft)[0]);
    }

    public static Enrolment Enrolled(MicroCourse course, Guid? school = null)
    {
        var started = (EnrolmentStarted)EnrolmentDecider.Decide(
            new Enrol(Guid.NewGuid(), Guid.NewGuid(), course.Id, school, "510104", Now), course, null)[0];
        return Enrolment.Create(started);
    }
}
