using System.Net;
using System.Text.Json;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>Enrolment, lesson completion, certificates and their refusals, through the gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class EnrolmentApiTests(ParentSchoolSystem system)
{
    private const string Courses = "/api/parentschool/courses";
    private const string Mine = "/api/parentschool/my/courses";

    private async Task<(Place Place, Guid Course, Guid[] Lessons, HttpClient Author, string ETag)> PublishedCourse(int lessons = 2)
    {
        var place = ParentSchoolSystem.NewPlace();
        var author = system.CountyAdmin(place);
        var (id, etag, course) = await Api.Courses.Published(author, Api.Courses.Body("County", place.County, "Resilience", "挫折教育 resilience", lessons: lessons));
        return (place, id, Api.Courses.LessonIds(course), author, etag);
    }

    private static Task<HttpResponseMessage> Complete(HttpClient parent, Guid course, Guid lesson, string etag) =>
        parent.Post($"{Mine}/{course}/lessons/{lesson}/completion", null, etag);

    [Fact]
    public async Task A_parent_enrols_completes_every_lesson_and_gets_a_certificate_anyone_signed_in_can_verify()
    {
        var (place, course, lessons, author, _) = await PublishedCourse();
        using var parent = system.Parent(place);

        var enrolled = await parent.Post($"{Courses}/{course}/enrolment", null);
        var enrolment = await enrolled.ReadJson();
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        Assert.Equal(("InProgress", 1, 2, 0), (enrolment.GetProperty("status").GetString(), enrolment.GetProperty("courseVersion").GetInt32(),
            enrolment.GetProperty("lessonsTotal").GetInt32(), enrolment.GetProperty("lessonsCompleted").GetInt32()));
        Assert.Equal(2, enrolment.GetProperty("lessons").GetArrayLength());

        var first = await Complete(parent, course, lessons[0], enrolled.ETag());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(50, (await first.ReadJson()).GetProperty("percentComplete").GetInt32());
        var last = await Complete(parent, course, lessons[1], first.ETag());
        var done = await last.ReadJson();
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(("Completed", 100), (done.GetProperty("status").GetString(), done.GetProperty("percentComplete").GetInt32()));
        var certificate = done.GetProperty("certificateId").GetGuid();

        var mine = await parent.GetAsync($"{Mine}/{course}").Expect(HttpStatusCode.OK);
        Assert.Equal(certificate, mine.GetProperty("certificateId").GetGuid());
        var list = await parent.GetAsync($"{Mine}?status=Completed").Expect(HttpStatusCode.OK);
        Assert.Equal(course, Assert.Single(list.Items()).GetProperty("courseId").GetGuid());

        using var stranger = system.Client(Platform.Identity.Role.MemberOfficer, "44", memberUnitId: Guid.NewGuid());
        var verified = await stranger.GetAsync($"/api/parentschool/certificates/{certificate}").Expect(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal(("挫折教育 resilience", course), (verified.GetProperty("courseTitle").GetString(), verified.GetProperty("courseId").GetGuid()));
        Assert.False(verified.TryGetProperty("parentId", out _));
        await stranger.GetAsync($"/api/parentschool/certificates/{Guid.NewGuid()}").ExpectProblem(HttpStatusCode.NotFound);
        author.Dispose();
    }

    [Fact]
    public async Task Completing_a_lesson_twice_counts_once()
    {
        var (place, course, lessons, author, _) = await PublishedCourse(3);
        using var parent = system.Parent(place);
        var enrolled = await parent.Post($"{Courses}/{course}/enrolment", null);

        var once = await Complete(parent, course, lessons[0], enrolled.ETag());
        var twice = await Complete(parent, course, lessons[0], once.ETag());

        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal(once.ETag(), twice.ETag());
        Assert.Equal(1, (await twice.ReadJson()).GetProperty("lessonsCompleted").GetInt32());
        var state = await parent.GetAsync($"{Mine}/{course}");
        Assert.Equal(once.ETag(), state.ETag());
        Assert.Equal(1, (await state.ReadJson()).GetProperty("completedLessonIds").GetArrayLength());
        author.Dispose();
    }

    [Fact]
    public async Task Two_completions_racing_on_one_etag_append_one_and_refuse_the_other_with_412()
    {
        var (place, course, lessons, author, _) = await PublishedCourse(3);
        using var parent = system.Parent(place);
        var enrolled = await parent.Post($"{Courses}/{course}/enrolment", null);

        var answers = await Task.WhenAll(Complete(parent, course, lessons[0], enrolled.ETag()), Complete(parent, course, lessons[1], enrolled.ETag()));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], answers.Select(a => a.StatusCode).Order());
        var state = await parent.GetAsync($"{Mine}/{course}");
        Assert.Equal("\"2\"", state.ETag());
        Assert.Equal(1, (await state.ReadJson()).GetProperty("lessonsCompleted").GetInt32());
        author.Dispose();
    }

    [Fact]
    public async Task Enrolled_parents_keep_their_version_and_a_lesson_of_a_later_one_is_refused()
    {
        var (place, course, lessons, author, etag) = await PublishedCourse();
        using var early = system.Parent(place);
        var enrolled = await early.Post($"{Courses}/{course}/enrolment", null);

        var revised = await author.Put($"{Courses}/{course}/draft", new
        {
            title = "第二版 v2", topic = "Resilience", targetGrades = new[] { 3 },
            lessons = new[] { Api.Courses.Lesson("一", lessons[0]), Api.Courses.Lesson("二", lessons[1]), Api.Courses.Lesson("三 new") },
        }, etag);
        var v2 = await author.Post($"{Courses}/{course}/publish", null, revised.ETag()).Expect(HttpStatusCode.OK);
        var added = Api.Courses.LessonIds(v2)[2];

        await Complete(early, course, added, enrolled.ETag()).ExpectProblem(HttpStatusCode.Conflict, code: "lesson-not-in-version");
        var mine = await early.GetAsync($"{Mine}/{course}");
        var body = await mine.ReadJson();
        Assert.Equal(enrolled.ETag(), mine.ETag());
        Assert.Equal((1, 2), (body.GetProperty("courseVersion").GetInt32(), body.GetProperty("lessons").GetArrayLength()));

        using var late = system.Parent(place);
        var lateEnrolment = await late.Post($"{Courses}/{course}/enrolment", null).Expect(HttpStatusCode.Created);
        Assert.Equal((2, 3), (lateEnrolment.GetProperty("courseVersion").GetInt32(), lateEnrolment.GetProperty("lessonsTotal").GetInt32()));
        author.Dispose();
    }

    [Fact]
    public async Task Refusals_append_nothing()
    {
        var (place, course, lessons, author, etag) = await PublishedCourse();
        using var parent = system.Parent(place);

        // A lesson of a course not enrolled in: 404, as the enrolment's read answers (README, "Not yours").
        await Complete(parent, course, lessons[0], "\"1\"").ExpectProblem(HttpStatusCode.NotFound);
        await Complete(parent, Guid.NewGuid(), lessons[0], "\"1\"").ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, (await parent.GetAsync(Mine).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());

        var enrolled = await parent.Post($"{Courses}/{course}/enrolment", null);
        await parent.Post($"{Courses}/{course}/enrolment", null).ExpectProblem(HttpStatusCode.Conflict, code: "already-enrolled");
        await Complete(parent, course, Guid.NewGuid(), enrolled.ETag()).ExpectProblem(HttpStatusCode.Conflict, code: "lesson-not-in-version");
        await Complete(parent, course, lessons[0], "\"7\"").ExpectProblem(HttpStatusCode.PreconditionFailed);
        await parent.Post($"{Mine}/{course}/lessons/{lessons[0]}/completion", null).ExpectProblem(HttpStatusCode.PreconditionRequired);
        var state = await parent.GetAsync($"{Mine}/{course}");
        Assert.Equal(enrolled.ETag(), state.ETag());
        Assert.Equal(0, (await state.ReadJson()).GetProperty("lessonsCompleted").GetInt32());

        // A retired course takes nobody new.
        await author.Post($"{Courses}/{course}/retire", null, etag).Expect(HttpStatusCode.OK);
        using var late = system.Parent(place);
        await late.Post($"{Courses}/{course}/enrolment", null).ExpectProblem(HttpStatusCode.Conflict, code: "course-retired");
        Assert.Equal(0, (await late.GetAsync(Mine).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        // ... but whoever enrolled before keeps learning.
        await Complete(parent, course, lessons[0], enrolled.ETag()).Expect(HttpStatusCode.OK);

        // A course the parent cannot see does not exist for them; staff do not enrol.
        using var elsewhere = system.Parent(ParentSchoolSystem.NewPlace());
        await elsewhere.Post($"{Courses}/{course}/enrolment", null).ExpectProblem(HttpStatusCode.NotFound);
        await author.Post($"{Courses}/{course}/enrolment", null).ExpectProblem(HttpStatusCode.Forbidden);
        author.Dispose();
    }

    [Fact]
    public async Task Another_parents_enrolment_is_404_and_staff_see_no_ones()
    {
        var (place, course, _, author, _) = await PublishedCourse();
        using var parent = system.Parent(place);
        var enrolment = (await parent.Post($"{Courses}/{course}/enrolment", null).Expect(HttpStatusCode.Created)).GetProperty("enrolmentId").GetGuid();
        await parent.GetAsync($"/api/parentschool/enrolments/{enrolment}").Expect(HttpStatusCode.OK);

        using var other = system.Parent(place);
        await other.GetAsync($"/api/parentschool/enrolments/{enrolment}").ExpectProblem(HttpStatusCode.NotFound);
        await other.GetAsync($"{Mine}/{course}").ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, (await other.GetAsync(Mine).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        using var school = system.SchoolAdmin(place);
        await school.GetAsync($"/api/parentschool/enrolments/{enrolment}").ExpectProblem(HttpStatusCode.NotFound);
        await school.GetAsync(Mine).ExpectProblem(HttpStatusCode.Forbidden);
        author.Dispose();
    }
}
