using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class EnrolTests
{
    private static Enrol Command(MicroCourse course, Guid? school = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), course.Id, school, "510104", Given.Now);

    [Fact]
    public void A_parent_enrols_in_the_version_published_now_with_its_lessons()
    {
        var course = Given.Published();
        var school = Guid.NewGuid();
        var command = Command(course, school);

        var started = Assert.IsType<EnrolmentStarted>(Assert.Single(EnrolmentDecider.Decide(command, course, null)));

        Assert.Equal(1, started.CourseVersion);
        Assert.Equal(course.Current!.Content.Lessons.Select(l => l.LessonId), started.LessonIds);
        Assert.Equal((command.ParentId, school, "510104", CourseTopic.PhoneUse), (started.ParentId, started.SchoolId, started.CountyCode, started.Topic));
    }

    [Fact]
    public void A_retired_course_takes_nobody_new()
    {
        var published = Given.Published();
        var retired = published.Apply(new CourseRetired(published.Id, "a", Given.Now));

        Assert.Equal("course-retired", Assert.Throws<RuleViolation>(() => EnrolmentDecider.Decide(Command(retired), retired, null)).Code);
    }

    [Fact]
    public void A_draft_takes_nobody()
    {
        var draft = Given.Draft();

        Assert.Equal("course-not-published", Assert.Throws<RuleViolation>(() => EnrolmentDecider.Decide(Command(draft), draft, null)).Code);
    }

    [Fact]
    public void A_parent_enrols_once()
    {
        var course = Given.Published();
        var existing = Given.Enrolled(course);

        Assert.Equal("already-enrolled", Assert.Throws<RuleViolation>(() => EnrolmentDecider.Decide(Command(course), course, existing)).Code);
    }
}
