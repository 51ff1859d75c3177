using System.Net;
using System.Text.Json;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>The roll-ups (async projection): per school, county and province, by topic; figures only, in scope.</summary>
[Collection(SystemCollection.Name)]
public sealed class FiguresApiTests(ParentSchoolSystem system)
{
    private const string Figures = "/api/parentschool/figures";

    [Fact]
    public async Task Enrolments_completions_and_the_rate_roll_up_to_school_county_and_province()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (course, _, body) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "MentalHealth", "心理健康", lessons: 1));
        var lesson = Api.Courses.LessonIds(body)[0];
        var otherSchool = Guid.NewGuid();

        // Three parents of the school enrol, two complete; one parent of another school enrols.
        for (var i = 0; i < 3; i++)
        {
            using var parent = system.Parent(place);
            var enrolled = await parent.Post($"/api/parentschool/courses/{course}/enrolment", null);
            if (i < 2)
            {
                await parent.Post($"/api/parentschool/my/courses/{course}/lessons/{lesson}/completion", null, enrolled.ETag()).Expect(HttpStatusCode.OK);
            }
        }
        using (var other = system.Parent(place, school: otherSchool))
        {
            await other.Post($"/api/parentschool/courses/{course}/enrolment", null).Expect(HttpStatusCode.Created);
        }

        var countyRow = await Row(county, $"{Figures}?level=County&topic=MentalHealth", r => r.GetProperty("enrolments").GetInt64() == 4);
        Assert.Equal((place.County, 4L, 2L, 0.5, 2L), (countyRow.GetProperty("code").GetString(), countyRow.GetProperty("enrolments").GetInt64(),
            countyRow.GetProperty("completions").GetInt64(), countyRow.GetProperty("completionRate").GetDouble(), countyRow.GetProperty("lessonsCompleted").GetInt64()));

        using var school = system.SchoolAdmin(place);
        var schoolRows = (await school.GetAsync(Figures).Expect(HttpStatusCode.OK)).Items().ToList();
        var schoolRow = Assert.Single(schoolRows);
        Assert.Equal(("School", place.School.ToString(), 3L, 2L), (schoolRow.GetProperty("level").GetString(), schoolRow.GetProperty("code").GetString(),
            schoolRow.GetProperty("enrolments").GetInt64(), schoolRow.GetProperty("completions").GetInt64()));
        Assert.Equal(0.6667, schoolRow.GetProperty("completionRate").GetDouble());

        using var province = system.ProvinceAdmin(place);
        var provinceRow = await Row(province, $"{Figures}?level=Province&code={place.Province}&topic=MentalHealth", r => r.GetProperty("enrolments").GetInt64() >= 4);
        Assert.True(provinceRow.GetProperty("completions").GetInt64() >= 2);
        var countySchools = (await county.GetAsync($"{Figures}?level=School&pageSize=500").Expect(HttpStatusCode.OK)).Items()
            .Select(r => r.GetProperty("code").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { place.School.ToString(), otherSchool.ToString() }, countySchools);

        // No individual parent anywhere in the figures.
        Assert.DoesNotContain("parent", (await county.GetAsync($"{Figures}?pageSize=500").Expect(HttpStatusCode.OK)).ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Figures_stay_in_the_callers_scope()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (course, _, _) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Law", "法治"));
        using (var parent = system.Parent(place))
        {
            await parent.Post($"/api/parentschool/courses/{course}/enrolment", null).Expect(HttpStatusCode.Created);
            await parent.GetAsync(Figures).ExpectProblem(HttpStatusCode.Forbidden);
        }
        await Row(county, $"{Figures}?level=County&topic=Law", r => r.GetProperty("enrolments").GetInt64() == 1);

        using var elsewhere = system.CountyAdmin(place with { County = place.Province + "0001" });
        Assert.Equal(0, (await elsewhere.GetAsync($"{Figures}?code={place.County}").Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        using var otherSchool = system.SchoolAdmin(place, Guid.NewGuid());
        Assert.Equal(0, (await otherSchool.GetAsync(Figures).Expect(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        using var officer = system.Client(Platform.Identity.Role.MemberOfficer, place.County, memberUnitId: Guid.NewGuid());
        await officer.GetAsync(Figures).ExpectProblem(HttpStatusCode.Forbidden);
    }

    private static async Task<JsonElement> Row(HttpClient client, string path, Func<JsonElement, bool> ready)
    {
        var rows = await Eventually.Until(async () => (await client.GetAsync(path).Expect(HttpStatusCode.OK)).Items().ToList(),
            rows => rows.Count == 1 && ready(rows[0]));
        Assert.Single(rows);
        Assert.True(ready(rows[0]), rows[0].ToString());
        return rows[0];
    }
}
