using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;
using static JiaoLianTi.Activities.Tests.Api.ProgrammeDrive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>
/// The figures a bureau reports: the share of a school's students in at least one after-school programme (over the
/// number the school declared), and the five educations per school and county with the schools missing each. Each
/// test has a county of its own, so that its figures are only its own.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FiguresTests(ActivitiesSystem system)
{
    [Fact]
    public async Task The_share_enrolled_per_school_and_county_over_the_declared_students_with_small_counts_suppressed()
    {
        const string county = "513433";
        var (a, b) = (await system.School(county, "冕宁县第一小学"), await system.School(county, "冕宁县第二小学"));
        using var adminA = system.Staff(county, a);
        var term = system.Term();
        var studentsPath = $"/api/activities/schools/{a}/terms/{term}/students";

        // The school's admin declares its students (a teacher may not); a correction needs If-Match.
        using var teacherA = system.Staff(county, a, Role.Teacher);
        await AssertProblem(await teacherA.Put(studentsPath, new { students = 100 }), HttpStatusCode.Forbidden);
        await AssertProblem(await adminA.Put(studentsPath, new { students = 0 }), HttpStatusCode.BadRequest, "students");
        await AssertProblem(await adminA.Put($"/api/activities/schools/{a}/terms/2026-summer/students", new { students = 100 }), HttpStatusCode.BadRequest, "term");
        var declared = await adminA.Put(studentsPath, new { students = 100 });
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        await AssertProblem(await adminA.Put(studentsPath, new { students = 120 }), (HttpStatusCode)428);
        await AssertProblem(await adminA.Put(studentsPath, new { students = 120 }, "\"9\""), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.OK, (await adminA.Put(studentsPath, new { students = 120 }, declared.ETag())).StatusCode);
        using var bureau = system.Client(Role.CountyAdmin, county);
        Assert.Equal(120, (await (await bureau.GetAsync(studentsPath)).ReadJson()).GetProperty("students").GetInt32());
        using var otherBureau = system.Client(Role.CountyAdmin, Qingyang);
        Assert.Equal(HttpStatusCode.NotFound, (await otherBureau.GetAsync(studentsPath)).StatusCode);
        using var adminB = system.Staff(county, b);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.Put(studentsPath, new { students = 5 })).StatusCode);

        // School A: 4 in one programme, 3 in another (one child in both, one more waiting): 6 students.
        var football = await CreateAndOpen(adminA, Body(term, places: 10, title: "足球"));
        var choir = await CreateAndOpen(adminA, Body(term, places: 3, title: "合唱", dimensions: ["Aesthetic"]));
        var inFootball = new List<Guid>();
        for (var i = 0; i < 4; i++) inFootball.Add((await Enrol(system, county, a, football)).Child);
        using (var both = system.Parent(county, a, inFootball[0]))
        {
            Assert.Equal(HttpStatusCode.Created, (await both.Post($"/api/activities/programmes/{choir}/enrolments", Pupil(inFootball[0]))).StatusCode);
        }
        for (var i = 0; i < 3; i++) await Enrol(system, county, a, choir);
        // School B: 2 students, no declaration.
        using var adminBStaff = system.Staff(county, b);
        var art = await CreateAndOpen(adminBStaff, Body(term, places: 10, title: "美术", dimensions: ["Aesthetic"]));
        for (var i = 0; i < 2; i++) await Enrol(system, county, b, art);

        var aesthetic = await (await adminA.GetAsync($"/api/activities/programmes?term={term}&dimension=Aesthetic")).ReadJson();
        Assert.Equal(choir, Assert.Single(aesthetic.Items()).Id());
        var figures = await (await bureau.GetAsync($"/api/activities/programmes/figures?term={term}&county={county}")).ReadJson();
        Assert.Equal(term, figures.Str("term"));
        var rows = figures.GetProperty("schools").EnumerateArray().ToDictionary(r => r.GetProperty("schoolId").GetGuid());
        Assert.Equal(("6", 120, 0.05, 2), (rows[a].Str("enrolled"), rows[a].GetProperty("declaredStudents").GetInt32(),
            rows[a].GetProperty("share").GetDouble(), rows[a].GetProperty("programmes").GetInt32()));
        Assert.Equal("<5", rows[b].Str("enrolled"));
        Assert.Equal(JsonValueKind.Null, rows[b].GetProperty("share").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[b].GetProperty("declaredStudents").ValueKind);
        var countyRow = Assert.Single(figures.GetProperty("counties").EnumerateArray());
        Assert.Equal((2, 2, 1, "8", 120, 0.05), (countyRow.GetProperty("schools").GetInt32(), countyRow.GetProperty("schoolsWithProgrammes").GetInt32(),
            countyRow.GetProperty("schoolsDeclared").GetInt32(), countyRow.Str("enrolled"), countyRow.GetProperty("declaredStudents").GetInt32(),
            countyRow.GetProperty("share").GetDouble()));

        // A school reads its own row only; a parent reads none; another county's bureau sees none of these schools.
        var own = await (await teacherA.GetAsync($"/api/activities/programmes/figures?term={term}")).ReadJson();
        Assert.Equal(a, Assert.Single(own.GetProperty("schools").EnumerateArray()).GetProperty("schoolId").GetGuid());
        var child = Guid.NewGuid();
        using var parent = system.Parent(county, a, child);
        await AssertProblem(await parent.GetAsync($"/api/activities/programmes/figures?term={term}"), HttpStatusCode.Forbidden);
        var elsewhere = await (await otherBureau.GetAsync($"/api/activities/programmes/figures?term={term}&county={county}")).ReadJson();
        Assert.Empty(elsewhere.GetProperty("schools").EnumerateArray());
        await AssertProblem(await bureau.GetAsync("/api/activities/programmes/figures?term=autumn"), HttpStatusCode.BadRequest, "term");
    }

    [Fact]
    public async Task Activities_and_student_hours_per_dimension_and_the_schools_missing_each_for_the_county()
    {
        const string county = "513434";
        var (c, d, e) = (await system.School(county, "喜德县第一小学"), await system.School(county, "喜德县第二小学"), await system.School(county, "喜德县第三小学"));
        var term = system.Term();
        using var staffC = system.Staff(county, c);
        using var staffD = system.Staff(county, d);

        // C: a sport (physical, from its kind), a lecture named aesthetic that takes place with 5 present, a labour programme.
        await OpenLecture(staffC, kind: "Sport");
        var (lecture, etag) = await Draft(staffC, new
        {
            kind = "Lecture", title = "川剧进校园", location = "礼堂", offCampus = false, startsAt = system.Clock.GetUtcNow().AddMinutes(10),
            endsAt = system.Clock.GetUtcNow().AddMinutes(10).AddHours(3), seats = 30, minAge = 6, maxAge = 18, dimensions = new[] { "Aesthetic" },
        });
        Assert.Equal(HttpStatusCode.OK, (await staffC.Post($"/api/activities/{lecture}/open", new { }, etag)).StatusCode);
        var children = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var child in children)
        {
            using var parent = system.Parent(county, c, child);
            Assert.Equal(HttpStatusCode.Created, (await parent.Post($"/api/activities/{lecture}/registrations", Drive.Child(child))).StatusCode);
        }
        system.Clock.Advance(TimeSpan.FromMinutes(15));
        foreach (var child in children.Take(5))
        {
            Assert.Equal(HttpStatusCode.OK, (await staffC.Post($"/api/activities/{lecture}/registrations/{child}/attendance", new { attended = true }, "\"1\"")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await staffC.Post($"/api/activities/{lecture}/complete", new { }, "\"2\"")).StatusCode);
        var labour = await CreateAndOpen(staffC, Body(term, places: 10, title: "校园农场", dimensions: ["Labour"]));
        var (p1, _) = await Enrol(system, county, c, labour);
        var (p2, _) = await Enrol(system, county, c, labour);
        Assert.Equal(HttpStatusCode.Created, (await staffC.Put($"/api/activities/programmes/{labour}/sessions/{system.LastSchoolDay():yyyy-MM-dd}/attendance",
            new { present = new[] { p1, p2 } })).StatusCode);
        // D: a community class (moral and labour, from its kind). E: nothing.
        await OpenLecture(staffD, kind: "CommunityClass");

        using var bureau = system.Client(Role.CountyAdmin, county);
        var report = await (await bureau.GetAsync($"/api/activities/dimensions/figures?term={term}&county={county}")).ReadJson();
        var schools = report.GetProperty("schools").EnumerateArray().ToDictionary(s => s.GetProperty("schoolId").GetGuid());
        Assert.Equal(["Moral", "Intellectual"], Missing(schools[c]));
        Assert.Equal(["Intellectual", "Physical", "Aesthetic"], Missing(schools[d]));
        Assert.Equal(["Moral", "Intellectual", "Physical", "Aesthetic", "Labour"], Missing(schools[e]));
        var ofC = Dimensions(schools[c]);
        Assert.Equal((1, 0, "5", 15m), (ofC["Aesthetic"].GetProperty("activities").GetInt32(), ofC["Aesthetic"].GetProperty("programmes").GetInt32(),
            ofC["Aesthetic"].Str("attendances"), ofC["Aesthetic"].GetProperty("studentHours").GetDecimal()));
        Assert.Equal((1, "0"), (ofC["Physical"].GetProperty("activities").GetInt32(), ofC["Physical"].Str("attendances")));
        // Two present at one session of the programme: a small count, its hours withheld.
        Assert.Equal((1, "<5"), (ofC["Labour"].GetProperty("programmes").GetInt32(), ofC["Labour"].Str("attendances")));
        Assert.Equal(JsonValueKind.Null, ofC["Labour"].GetProperty("studentHours").ValueKind);

        var countyRow = Assert.Single(report.GetProperty("counties").EnumerateArray());
        var missing = countyRow.GetProperty("missing").EnumerateArray().ToDictionary(m => m.Str("dimension"));
        Assert.Equal(3, missing["Intellectual"].GetProperty("schools").GetInt32());
        Assert.Equal(new[] { d, e }.Order(), missing["Aesthetic"].GetProperty("schoolIds").EnumerateArray().Select(x => x.GetGuid()).Order());
        Assert.Equal(2, Dimensions(countyRow)["Labour"].GetProperty("programmes").GetInt32() + Dimensions(countyRow)["Labour"].GetProperty("activities").GetInt32());
        Assert.Contains("劳", Dimensions(countyRow)["Labour"].Str("label"));

        // ?missing= lists the schools with none in that dimension.
        var noPhysical = await (await bureau.GetAsync($"/api/activities/dimensions/figures?term={term}&county={county}&missing=Physical")).ReadJson();
        Assert.Equal(new[] { d, e }.Order(), noPhysical.GetProperty("schools").EnumerateArray().Select(s => s.GetProperty("schoolId").GetGuid()).Order());
        // A school reads its own figures only; a parent none; bad input is a 400 naming the field.
        var own = await (await staffD.GetAsync($"/api/activities/dimensions/figures?term={term}")).ReadJson();
        Assert.Equal(d, Assert.Single(own.GetProperty("schools").EnumerateArray()).GetProperty("schoolId").GetGuid());
        var someone = Guid.NewGuid();
        using var parentOf = system.Parent(county, d, someone);
        await AssertProblem(await parentOf.GetAsync("/api/activities/dimensions/figures"), HttpStatusCode.Forbidden);
        await AssertProblem(await bureau.GetAsync("/api/activities/dimensions/figures?from=2026-09-01"), HttpStatusCode.BadRequest, "to");
        await AssertProblem(await bureau.GetAsync("/api/activities/dimensions/figures?missing=Music"), HttpStatusCode.BadRequest);
        var labels = await (await parentOf.GetAsync("/api/activities/dimensions")).ReadJson();
        Assert.Equal(["德", "智", "体", "美", "劳"], labels.EnumerateArray().Select(l => l.Str("short")));
    }

    [Fact]
    public async Task An_activity_names_its_dimensions_and_base_or_serves_what_its_kind_serves()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var sport = await OpenLecture(staff, kind: "Sport");
        Assert.Equal(["Physical"], (await Details(staff, sport)).GetProperty("dimensions").EnumerateArray().Select(x => x.GetString()));
        var resource = await system.Resource(Jinjiang, 100);
        var (trip, _) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: 20, resourceId: resource));
        var tripView = await Details(staff, trip);
        Assert.Equal(["Moral", "Intellectual"], tripView.GetProperty("dimensions").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(resource, tripView.GetProperty("baseId").GetGuid());

        await AssertProblem(await staff.PostRaw("/api/activities",
            """{"kind":"Lecture","title":"t","location":"l","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z","seats":5,"minAge":6,"maxAge":18,"dimensions":["Music"]}"""),
            HttpStatusCode.BadRequest);
        await AssertProblem(await staff.Post("/api/activities", new
        {
            kind = "Lecture", title = "t", location = "l", startsAt = DateTimeOffset.UtcNow.AddDays(3), endsAt = DateTimeOffset.UtcNow.AddDays(3).AddHours(1),
            seats = 5, minAge = 6, maxAge = 18, baseId = Guid.NewGuid(),
        }), HttpStatusCode.BadRequest, "baseId");
        var total = (await (await staff.GetAsync($"/api/activities?school={school}")).ReadJson()).GetProperty("total").GetInt32();
        Assert.Equal(2, total);
    }

    private static IReadOnlyList<string> Missing(JsonElement school) =>
        school.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!).ToList();

    private static Dictionary<string, JsonElement> Dimensions(JsonElement row) =>
        row.GetProperty("dimensions").EnumerateArray().ToDictionary(x => x.Str("dimension"));
}
