using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class DraftCourseTests
{
    [Fact]
    public void A_new_course_starts_as_a_draft_of_its_author_in_its_scope()
    {
        var id = Guid.NewGuid();
        var content = Given.Content();

        var events = CourseDecider.Decide(new DraftCourse(id, content, CourseScope.School, "510104", Guid.Empty, "teacher-1", Given.Now), null);

        var drafted = Assert.IsType<CourseDrafted>(Assert.Single(events));
        Assert.Equal((id, CourseScope.School, "510104", "teacher-1"), (drafted.CourseId, drafted.Scope, drafted.RegionCode, drafted.Author));
        var state = MicroCourse.Create(drafted);
        Assert.Equal(CourseStatus.Draft, state.Status);
        Assert.Equal(0, state.PublishedVersion);
        Assert.Same(content, state.Draft);
    }

    [Fact]
    public void A_course_that_exists_cannot_be_drafted_again()
    {
        var existing = Given.Draft();

        var refusal = Assert.Throws<RuleViolation>(() => CourseDecider.Decide(
            new DraftCourse(existing.Id, Given.Content(), CourseScope.County, "510104", null, "x", Given.Now), existing));

        Assert.Equal("course-exists", refusal.Code);
    }
}
