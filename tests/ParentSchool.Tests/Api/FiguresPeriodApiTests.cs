using System.Net;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>
/// Figures through the gateway (issue 12): a school asking for its county's figures is refused (403, not an empty
/// 200); figures can be asked for this term, this year or any dates, counting only what happened then.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FiguresPeriodApiTests(ParentSchoolSystem system)
{
    private const string Figures = "/api/parentschool/figures";

    [Fact]
    public async Task A_school_admin_asking_for_county_or_province_figures_gets_403()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var school = system.SchoolAdmin(place);
        await school.GetAsync($"{Figures}?level=County").ExpectProblem(HttpStatusCode.Forbidden);
        await school.GetAsync($"{Figures}?level=Province&code={place.Province}").ExpectProblem(HttpStatusCode.Forbidden);
        await school.GetAsync($"{Figures}?code={place.County}").ExpectProblem(HttpStatusCode.Forbidden);
        await school.GetAsync($"{Figures}?level=County&period=Year").ExpectProblem(HttpStatusCode.Forbidden);
        await system.Teacher(place).GetAsync($"{Figures}?code={Guid.NewGuid()}").ExpectProblem(HttpStatusCode.Forbidden);
        await school.GetAsync($"{Figures}?level=School&code={place.School}").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Figures_for_this_term_this_year_and_any_dates_count_what_happened_then()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (course, _, body) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Resilience", "抗挫力", lessons: 1));
        var lesson = Api.Courses.LessonIds(body)[0];
        using (var parent = system.Parent(place))
        {
            var enrolled = await parent.Post($"/api/parentschool/courses/{course}/enrolment", null);
            await parent.Post($"/api/parentschool/my/courses/{course}/lessons/{lesson}/completion", null, enrolled.ETag()).Expect(HttpStatusCode.OK);
        }
        using (var other = system.Parent(place, school: Guid.NewGuid()))
        {
            await other.Post($"/api/parentschool/courses/{course}/enrolment", null).Expect(HttpStatusCode.Created);
        }

        foreach (var period in new[] { "Term", "Year" })
        {
            var row = Assert.Single((await county.GetAsync($"{Figures}?level=County&topic=Resilience&period={period}").Expect(HttpStatusCode.OK)).Items());
            Assert.Equal((place.County, 2L, 1L, 0.5), (row.GetProperty("code").GetString(), row.GetProperty("enrolments").GetInt64(),
                row.GetProperty("completions").GetInt64(), row.GetProperty("completionRate").GetDouble()));
            Assert.True(row.GetProperty("periodFrom").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
            Assert.True(row.GetProperty("periodTo").GetDateTimeOffset() > DateTimeOffset.UtcNow);
            Assert.False(string.IsNullOrEmpty(row.GetProperty("periodName").GetString()));
        }
        var schools = (await county.GetAsync($"{Figures}?level=School&topic=Resilience&period=Term").Expect(HttpStatusCode.OK)).Items();
        Assert.Equal(2, schools.Count);
        using var school = system.SchoolAdmin(place);
        var own = Assert.Single((await school.GetAsync($"{Figures}?period=Year").Expect(HttpStatusCode.OK)).Items());
        Assert.Equal((place.School.ToString(), 1L, 1L), (own.GetProperty("code").GetString(), own.GetProperty("enrolments").GetInt64(),
            own.GetProperty("completions").GetInt64()));

        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd");
        Assert.Single((await county.GetAsync($"{Figures}?level=County&topic=Resilience&from={today}&to={today}").Expect(HttpStatusCode.OK)).Items());
        Assert.Empty((await county.GetAsync($"{Figures}?level=County&topic=Resilience&from=2020-09-01&to=2021-01-31").Expect(HttpStatusCode.OK)).Items());

        await county.GetAsync($"{Figures}?period=Year&from=2025-01-01").ExpectProblem(HttpStatusCode.BadRequest, "period");
        await county.GetAsync($"{Figures}?from=2025-02-01&to=2025-01-01").ExpectProblem(HttpStatusCode.BadRequest, "to");
        await county.GetAsync($"{Figures}?period=Decade").ExpectProblem(HttpStatusCode.BadRequest);
    }
}
