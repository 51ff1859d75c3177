using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class ReviseCourseDraftTests
{
    [Fact]
    public void Revising_a_never_published_draft_changes_what_the_catalogue_shows()
    {
        var draft = Given.Draft();

        var revised = draft.Apply((CourseDraftRevised)Assert.Single(
            CourseDecider.Decide(new ReviseCourseDraft(draft.Id, Given.Content("改 revised"), "a", Given.Now), draft)));

        Assert.Equal("改 revised", revised.Title);
        Assert.Equal(CourseStatus.Draft, revised.Status);
    }

    [Fact]
    public void Revising_a_published_course_drafts_the_next_version_while_the_current_stays()
    {
        var published = Given.Published();

        var revised = published.Apply((CourseDraftRevised)CourseDecider.Decide(
            new ReviseCourseDraft(published.Id, Given.Content("v2"), "a", Given.Now), published)[0]);

        Assert.Equal(CourseStatus.Published, revised.Status);
        Assert.Equal(published.Title, revised.Title);
        Assert.Equal("v2", revised.Draft!.Title);
        Assert.Equal(1, revised.PublishedVersion);
    }

    [Fact]
    public void A_lesson_id_of_an_older_version_cannot_come_back_as_another_lesson()
    {
        var v1 = Given.Published();
        var dropped = v1.Current!.Content.Lessons[1];
        var v2 = v1.Apply((CourseDraftRevised)CourseDecider.Decide(
            new ReviseCourseDraft(v1.Id, Given.Content("v2", v1.Current.Content.Lessons[0]), "a", Given.Now), v1)[0]);
        v2 = v2.Apply((CoursePublished)CourseDecider.Decide(new PublishCourse(v1.Id, "a", Given.Now), v2)[0]);

        var refusal = Assert.Throws<RuleViolation>(() => CourseDecider.Decide(
            new ReviseCourseDraft(v1.Id, Given.Content("v3", dropped with { Title = "别的课 other" }), "a", Given.Now), v2));

        Assert.Equal("lesson-id-retired", refusal.Code);
    }

    [Fact]
    public void A_retired_course_cannot_be_revised()
    {
        var published = Given.Published();
        var retired = published.Apply(new CourseRetired(published.Id, "a", Given.Now));

        Assert.Equal("course-retired", Assert.Throws<RuleViolation>(() =>
            CourseDecider.Decide(new ReviseCourseDraft(retired.Id, Given.Content(), "a", Given.Now), retired)).Code);
    }
}
