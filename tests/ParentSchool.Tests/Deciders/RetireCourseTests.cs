using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class RetireCourseTests
{
    [Fact]
    public void A_published_course_is_retired()
    {
        var published = Given.Published();

        var retired = Assert.IsType<CourseRetired>(Assert.Single(CourseDecider.Decide(new RetireCourse(published.Id, "a", Given.Now), published)));

        Assert.Equal(CourseStatus.Retired, published.Apply(retired).Status);
    }

    [Fact]
    public void A_draft_is_not_retired()
    {
        var draft = Given.Draft();

        Assert.Equal("course-not-published",
            Assert.Throws<RuleViolation>(() => CourseDecider.Decide(new RetireCourse(draft.Id, "a", Given.Now), draft)).Code);
    }

    [Fact]
    public void A_retired_course_is_not_retired_twice()
    {
        var published = Given.Published();
        var retired = published.Apply(new CourseRetired(published.Id, "a", Given.Now));

        Assert.Equal("course-retired",
            Assert.Throws<RuleViolation>(() => CourseDecider.Decide(new RetireCourse(retired.Id, "a", Given.Now), retired)).Code);
    }
}
