using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class PublishCourseTests
{
    [Fact]
    public void Publishing_a_draft_makes_it_version_1()
    {
        var draft = Given.Draft();

        var published = Assert.IsType<CoursePublished>(Assert.Single(CourseDecider.Decide(new PublishCourse(draft.Id, "a", Given.Now), draft)));

        Assert.Equal(1, published.Version);
        Assert.Same(draft.Draft, published.Content);
        var state = draft.Apply(published);
        Assert.Equal(CourseStatus.Published, state.Status);
        Assert.Null(state.Draft);
        Assert.Equal(1, Assert.Single(state.Versions).Number);
    }

    [Fact]
    public void A_revised_published_course_becomes_the_next_version_and_keeps_the_earlier_one()
    {
        var v1 = Given.Published();
        var next = Given.Content("新版 v2", v1.Current!.Content.Lessons[0], Given.Lesson("新课 new"));
        var revised = v1.Apply((CourseDraftRevised)CourseDecider.Decide(new ReviseCourseDraft(v1.Id, next, "a", Given.Now), v1)[0]);

        var published = (CoursePublished)Assert.Single(CourseDecider.Decide(new PublishCourse(v1.Id, "a", Given.Now), revised));
        var v2 = revised.Apply(published);

        Assert.Equal(2, published.Version);
        Assert.Equal([1, 2], v2.Versions.Select(v => v.Number));
        Assert.Equal(v1.Current.Content, v2.VersionNumbered(1)!.Content);
        Assert.Equal("新版 v2", v2.Title);
    }

    [Fact]
    public void Nothing_to_publish_without_a_new_draft()
    {
        var published = Given.Published();

        var refusal = Assert.Throws<RuleViolation>(() => CourseDecider.Decide(new PublishCourse(published.Id, "a", Given.Now), published));

        Assert.Equal("nothing-to-publish", refusal.Code);
    }

    [Fact]
    public void A_retired_course_is_not_published_again()
    {
        var published = Given.Published();
        var retired = published.Apply(new CourseRetired(published.Id, "a", Given.Now));

        Assert.Equal("course-retired",
            Assert.Throws<RuleViolation>(() => CourseDecider.Decide(new PublishCourse(retired.Id, "a", Given.Now), retired)).Code);
    }
}
