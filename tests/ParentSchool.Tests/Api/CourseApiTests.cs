using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>Drafting, publishing, versions and retiring micro-courses through the gateway; who may, and what is refused.</summary>
[Collection(SystemCollection.Name)]
public sealed class CourseApiTests(ParentSchoolSystem system)
{
    private const string Courses = "/api/parentschool/courses";

    [Fact]
    public async Task A_county_admin_drafts_then_publishes_and_the_draft_is_hidden_from_parents_until_then()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var admin = system.CountyAdmin(place);
        using var parent = system.Parent(place);

        var drafted = await admin.Post(Courses, Api.Courses.Body("County", place.County));
        var draft = await drafted.ReadJson();
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        Assert.Equal("\"1\"", drafted.ETag());
        Assert.Equal("Draft", draft.GetProperty("status").GetString());
        var id = draft.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"{Courses}/{id}")).StatusCode);
        Assert.DoesNotContain(id, (await parent.GetAsync(Courses).Expect(HttpStatusCode.OK)).Items().Select(c => c.GetProperty("id").GetGuid()));

        var published = await admin.Post($"{Courses}/{id}/publish", null, drafted.ETag());
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("\"2\"", published.ETag());

        var seen = await parent.GetAsync($"{Courses}/{id}");
        var course = await seen.ReadJson();
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        Assert.Equal(("Published", 1, 2, 24), (course.GetProperty("status").GetString(), course.GetProperty("publishedVersion").GetInt32(),
            course.GetProperty("lessons").GetArrayLength(), course.GetProperty("totalMinutes").GetInt32()));
        Assert.Equal(JsonValueKindNull, course.GetProperty("draft").ValueKind);

        var again = new HttpRequestMessage(HttpMethod.Get, $"{Courses}/{id}");
        again.Headers.TryAddWithoutValidation("If-None-Match", seen.ETag());
        Assert.Equal(HttpStatusCode.NotModified, (await parent.SendAsync(again)).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task A_parent_sees_the_province_their_county_and_their_school_and_nothing_else()
    {
        var place = ParentSchoolSystem.NewPlace();
        var otherCounty = place with { County = place.Province + (place.County[2] == '9' ? "8" : "9") + place.County[3..], School = Guid.NewGuid() };
        using var province = system.ProvinceAdmin(place);
        using var county = system.CountyAdmin(place);
        using var school = system.SchoolAdmin(place);
        using var otherSchool = system.Teacher(place, Guid.NewGuid());
        using var elsewhere = system.CountyAdmin(otherCounty);

        var (provinceCourse, _, _) = await Api.Courses.Published(province, Api.Courses.Body("Province", place.Province, "Law", "法治 law"));
        var (countyCourse, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Safety", "安全 safety"));
        var (schoolCourse, _, _) = await Api.Courses.Published(school, Api.Courses.Body("School", null, "StudyHabits", "习惯 habits"));
        var (otherSchoolCourse, _, _) = await Api.Courses.Published(otherSchool, Api.Courses.Body("School", null, "StudyHabits", "别校 other school"));
        var (otherCountyCourse, _, _) = await Api.Courses.Published(elsewhere, Api.Courses.Body("County", otherCounty.County, "Safety", "别县 other county"));

        using var parent = system.Parent(place);
        var seen = (await parent.GetAsync($"{Courses}?pageSize=500").Expect(HttpStatusCode.OK)).Items()
            .Select(c => c.GetProperty("id").GetGuid()).ToHashSet();

        Assert.Superset(new HashSet<Guid> { provinceCourse, countyCourse, schoolCourse }, seen);
        Assert.DoesNotContain(otherSchoolCourse, seen);
        Assert.DoesNotContain(otherCountyCourse, seen);
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"{Courses}/{otherSchoolCourse}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"{Courses}/{otherCountyCourse}")).StatusCode);

        // Searchable by topic, grade and scope.
        var safety = (await parent.GetAsync($"{Courses}?topic=Safety&pageSize=500").Expect(HttpStatusCode.OK)).Items().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(countyCourse, safety);
        Assert.DoesNotContain(provinceCourse, safety);
        var bySchool = (await parent.GetAsync($"{Courses}?scope=School&pageSize=500").Expect(HttpStatusCode.OK)).Items().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([schoolCourse], bySchool);
        var grade9 = (await parent.GetAsync($"{Courses}?grade=9&pageSize=500").Expect(HttpStatusCode.OK)).Items().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.DoesNotContain(countyCourse, grade9);
        var grade3 = (await parent.GetAsync($"{Courses}?grade=3&scope=County&pageSize=500").Expect(HttpStatusCode.OK)).Items().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(countyCourse, grade3);
    }

    [Fact]
    public async Task Only_staff_of_a_scope_author_in_it()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var parent = system.Parent(place);
        using var county = system.CountyAdmin(place);
        using var teacher = system.Teacher(place);
        using var otherCounty = system.CountyAdmin(place with { County = place.Province + "0000" });

        await parent.Post(Courses, Api.Courses.Body("County", place.County)).ExpectProblem(HttpStatusCode.Forbidden);
        await county.Post(Courses, Api.Courses.Body("Province", place.Province)).ExpectProblem(HttpStatusCode.Forbidden);
        await teacher.Post(Courses, Api.Courses.Body("County", place.County)).ExpectProblem(HttpStatusCode.Forbidden);
        await otherCounty.Post(Courses, Api.Courses.Body("County", place.County)).ExpectProblem(HttpStatusCode.Forbidden);
        await teacher.Post(Courses, Api.Courses.Body("School", null, schoolId: Guid.NewGuid())).ExpectProblem(HttpStatusCode.Forbidden);

        // Another county's admin cannot publish this county's draft: to them it does not exist.
        var drafted = await county.Post(Courses, Api.Courses.Body("County", place.County));
        var id = (await drafted.ReadJson()).GetProperty("id").GetGuid();
        await otherCounty.Post($"{Courses}/{id}/publish", null, drafted.ETag()).ExpectProblem(HttpStatusCode.NotFound);
        // A teacher of a school in the county sees it but may not publish it.
        await teacher.Post($"{Courses}/{id}/publish", null, drafted.ETag()).ExpectProblem(HttpStatusCode.Forbidden);
        var state = await county.GetAsync($"{Courses}/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal("Draft", state.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_drafts_nothing()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);

        await county.Post(Courses, Api.Courses.Body("County", place.County, title: "  ")).ExpectProblem(HttpStatusCode.BadRequest, "title");
        await county.Post(Courses, Api.Courses.Body("County", place.County, topic: "Astrology")).ExpectProblem(HttpStatusCode.BadRequest, "topic");
        await county.Post(Courses, Api.Courses.Body("County", place.County, grades: [0, 13])).ExpectProblem(HttpStatusCode.BadRequest, "targetGrades");
        await county.Post(Courses, Api.Courses.Body("County", place.County, lessons: 0)).ExpectProblem(HttpStatusCode.BadRequest, "lessons");
        await county.Post(Courses, new
        {
            title = "t", topic = "Safety", targetGrades = new[] { 1 }, scope = "County", regionCode = place.County,
            lessons = new[] { new { title = "", durationMinutes = 0, text = "x", videoLinks = new[] { "ftp://x" } } },
        }).ExpectProblem(HttpStatusCode.BadRequest, "lessons[0].title");
        await county.PostRaw(Courses, "{\"title\":\"t\",\"topic\":\"Astrology\"").ExpectProblem(HttpStatusCode.BadRequest);

        var list = await county.GetAsync($"{Courses}?status=Draft&pageSize=500").Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(list.Items(), c => c.GetProperty("regionCode").GetString() == place.County);
    }

    [Fact]
    public async Task Changes_need_if_match_and_a_stale_one_is_refused()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var drafted = await county.Post(Courses, Api.Courses.Body("County", place.County));
        var id = (await drafted.ReadJson()).GetProperty("id").GetGuid();

        await county.Post($"{Courses}/{id}/publish", null).ExpectProblem(HttpStatusCode.PreconditionRequired);
        await county.Put($"{Courses}/{id}/draft", new { title = "改 v1", topic = "PhoneUse", targetGrades = new[] { 5 }, lessons = new[] { Api.Courses.Lesson("一") } }, drafted.ETag())
            .Expect(HttpStatusCode.OK);
        await county.Post($"{Courses}/{id}/publish", null, drafted.ETag()).ExpectProblem(HttpStatusCode.PreconditionFailed);

        var state = await county.GetAsync($"{Courses}/{id}");
        Assert.Equal("\"2\"", state.ETag());
        Assert.Equal("改 v1", (await state.ReadJson()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_new_version_is_published_and_a_retired_course_stays_retired()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (id, etag, v1) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County));
        var kept = Api.Courses.LessonIds(v1)[0];

        var revised = await county.Put($"{Courses}/{id}/draft", new
        {
            title = "第二版 v2", topic = "PhoneUse", targetGrades = new[] { 3, 4 },
            lessons = new[] { Api.Courses.Lesson("保留 kept", kept), Api.Courses.Lesson("新 new"), Api.Courses.Lesson("又新 newer") },
        }, etag);
        var during = await revised.ReadJson();
        Assert.Equal(HttpStatusCode.OK, revised.StatusCode);
        Assert.Equal(1, during.GetProperty("publishedVersion").GetInt32());
        Assert.Equal(2, during.GetProperty("lessons").GetArrayLength());
        Assert.Equal(3, during.GetProperty("draft").GetProperty("lessons").GetArrayLength());

        var v2 = await county.Post($"{Courses}/{id}/publish", null, revised.ETag()).Expect(HttpStatusCode.OK);
        Assert.Equal((2, "第二版 v2", 3), (v2.GetProperty("publishedVersion").GetInt32(), v2.GetProperty("title").GetString(), v2.GetProperty("lessons").GetArrayLength()));
        Assert.Equal(kept, Api.Courses.LessonIds(v2)[0]);

        var retire = await county.Post($"{Courses}/{id}/retire", null, "\"4\"");
        Assert.Equal("Retired", (await retire.ReadJson()).GetProperty("status").GetString());
        await county.Post($"{Courses}/{id}/retire", null, retire.ETag()).ExpectProblem(HttpStatusCode.Conflict, code: "course-retired");
        await county.Put($"{Courses}/{id}/draft", new { title = "v3", topic = "PhoneUse", targetGrades = new[] { 3 }, lessons = new[] { Api.Courses.Lesson("x") } }, retire.ETag())
            .ExpectProblem(HttpStatusCode.Conflict, code: "course-retired");
        Assert.Equal("\"5\"", (await county.GetAsync($"{Courses}/{id}")).ETag());

        using var parent = system.Parent(place);
        Assert.DoesNotContain(id, (await parent.GetAsync($"{Courses}?pageSize=500").Expect(HttpStatusCode.OK)).Items().Select(c => c.GetProperty("id").GetGuid()));
    }
}
