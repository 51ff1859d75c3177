using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class CompleteLessonTests
{
    private static Enrolment Apply(Enrolment state, IEnumerable<object> events) => events.Aggregate(state, (s, e) => e switch
    {
        LessonCompleted l => s.Apply(l),
        EnrolmentCompleted c => s.Apply(c),
        _ => s,
    });

    [Fact]
    public void A_lesson_of_the_enrolled_version_is_completed()
    {
        var enrolment = Given.Enrolled(Given.Published());
        var lesson = enrolment.LessonIds[0];

        var completed = Assert.IsType<LessonCompleted>(Assert.Single(EnrolmentDecider.Decide(
            new CompleteLesson(enrolment.Id, lesson, Guid.NewGuid(), Given.Now), enrolment)));

        Assert.Equal((lesson, CourseTopic.PhoneUse, "510104"), (completed.LessonId, completed.Topic, completed.CountyCode));
    }

    [Fact]
    public void Completing_a_lesson_twice_counts_once()
    {
        var enrolment = Given.Enrolled(Given.Published());
        var lesson = enrolment.LessonIds[0];
        enrolment = Apply(enrolment, EnrolmentDecider.Decide(new CompleteLesson(enrolment.Id, lesson, Guid.NewGuid(), Given.Now), enrolment));

        Assert.Empty(EnrolmentDecider.Decide(new CompleteLesson(enrolment.Id, lesson, Guid.NewGuid(), Given.Now), enrolment));
        Assert.Single(enrolment.CompletedLessonIds);
    }

    [Fact]
    public void The_last_lesson_completes_the_course_with_a_certificate()
    {
        var enrolment = Given.Enrolled(Given.Published());
        enrolment = Apply(enrolment, EnrolmentDecider.Decide(new CompleteLesson(enrolment.Id, enrolment.LessonIds[0], Guid.NewGuid(), Given.Now), enrolment));
        var certificate = Guid.NewGuid();

        var events = EnrolmentDecider.Decide(new CompleteLesson(enrolment.Id, enrolment.LessonIds[1], certificate, Given.Now), enrolment);

        Assert.Collection(events, e => Assert.IsType<LessonCompleted>(e), e => Assert.Equal(certificate, Assert.IsType<EnrolmentCompleted>(e).CertificateId));
        var done = Apply(enrolment, events);
        Assert.Equal(EnrolmentStatus.Completed, done.Status);
        Assert.Equal(certificate, done.CertificateId);
    }

    [Fact]
    public void A_lesson_added_in_a_later_version_is_not_in_the_enrolled_one()
    {
        var v1 = Given.Published();
        var enrolment = Given.Enrolled(v1);
        var added = Given.Lesson("新课 new");
        var v2 = v1.Apply((CourseDraftRevised)CourseDecider.Decide(
            new ReviseCourseDraft(v1.Id, Given.Content("v2", [.. v1.Current!.Content.Lessons, added]), "a", Given.Now), v1)[0]);
        v2 = v2.Apply((CoursePublished)CourseDecider.Decide(new PublishCourse(v1.Id, "a", Given.Now), v2)[0]);
        Assert.Contains(v2.Current!.Content.Lessons, l => l.LessonId == added.LessonId);

        var refusal = Assert.Throws<RuleViolation>(() => EnrolmentDecider.Decide(
            new CompleteLesson(enrolment.Id, added.LessonId, Guid.NewGuid(), Given.Now), enrolment));

        Assert.Equal("lesson-not-in-version", refusal.Code);
    }
}
