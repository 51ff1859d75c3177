using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 体教互融 as a teacher logs it: a class's first record of a day goes without If-Match; a day already logged is shown
/// first and corrected with its version; the saved line says how far the class is from two hours.
/// </summary>
public sealed class PhysicalActivityTeacherTests() : CannedGateway("Teacher", new Claim(ConsoleClaims.SchoolId, PhysicalActivityAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => PhysicalActivityAnswers.For(request);

    protected override HttpStatusCode Status(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && Uri.UnescapeDataString(request.RequestUri!.AbsolutePath).Contains("/classes/三年级二班/")
            ? HttpStatusCode.NotFound : HttpStatusCode.OK;

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath.Contains("/classes/") ? "\"2\"" : null;

    [Fact]
    public void A_first_record_of_the_day_goes_without_If_Match_and_says_what_is_missing()
    {
        var page = Render<Components.Pages.PhysicalActivity>();
        page.WaitForAssertion(() => page.Find("[data-test=minutes-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=minutes-class]").Change("三年级二班");
        page.Find("[data-test=minutes-day]").Change("2026-12-04");
        Assert.Empty(page.FindAll("[data-test=minutes-logged]"));
        page.Find("[data-test=minutes-value]").Change("90");
        page.Find("[data-test=minutes-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Put, "/api/activities/physical-activity/classes/三年级二班/days/2026-12-04", null),
            (Sent[0].Method, Uri.UnescapeDataString(Sent[0].Path), Sent[0].IfMatch));
        Assert.Equal(90, JsonDocument.Parse(Sent[0].Body).RootElement.GetProperty("minutes").GetInt32());
        page.WaitForAssertion(() => Assert.Contains("差 30 分钟", page.Find("[data-test=minutes-saved]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_day_already_logged_is_shown_and_corrected_with_its_version()
    {
        var page = Render<Components.Pages.PhysicalActivity>();
        page.WaitForAssertion(() => page.Find("[data-test=minutes-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=minutes-day]").Change("2026-12-04");
        page.Find("[data-test=minutes-class]").Change("三年级一班");
        page.WaitForAssertion(() => Assert.Contains("已记录 100 分钟", page.Find("[data-test=minutes-logged]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("100", page.Find("[data-test=minutes-value]").GetAttribute("value"));
        page.Find("[data-test=minutes-value]").Change("130");
        page.Find("[data-test=minutes-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal("\"2\"", Sent[0].IfMatch);
        Assert.Equal(130, JsonDocument.Parse(Sent[0].Body).RootElement.GetProperty("minutes").GetInt32());
    }
}

/// <summary>A city's bureau reads the share per school, those furthest from two hours first, and may narrow to a county.</summary>
public sealed class PhysicalActivityBureauTests() : CannedGateway("CityAdmin", new Claim(ConsoleClaims.Region, "5101"))
{
    protected override string Answer(HttpRequestMessage request) => PhysicalActivityAnswers.For(request);

    [Fact]
    public void The_city_reads_the_share_per_school_lowest_first()
    {
        var page = Render<Components.Pages.PhysicalActivity>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=report-school]").Count), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=minutes-form]"));
        Assert.Equal("62.5%", page.Find("[data-test=report-share]").TextContent);
        Assert.StartsWith("锦江区第2小学", page.FindAll("[data-test=report-school]")[0].TextContent);
        page.Find("[data-test=report-county]").Change("510104");
        page.WaitForAssertion(() => Assert.Contains(PhysicalActivityAnswers.Asked, q => q.Contains("county=510104")), TimeSpan.FromSeconds(10));
    }
}

internal static class PhysicalActivityAnswers
{
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";

    /// <summary>The report's queries asked, for the filters.</summary>
    public static readonly List<string> Asked = [];

    public static string For(HttpRequestMessage request)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        if (path == "/api/activities/physical-activity")
        {
            lock (Asked) Asked.Add(request.RequestUri.Query);
            return """
                {"from":"2026-11-30","to":"2026-12-04","targetMinutes":120,"overall":{"classDays":16,"reached":10,"share":0.625},
                 "schools":[{"schoolId":"01a244a1-47fc-7b88-92d5-a1fc48d78113","schoolName":"锦江区第1小学","countyCode":"510104","figures":{"classDays":10,"reached":8,"share":0.8}},
                            {"schoolId":"01a244a1-47fc-7b88-92d5-a1fc48d78114","schoolName":"锦江区第2小学","countyCode":"510104","figures":{"classDays":6,"reached":2,"share":0.3333}}]}
                """;
        }
        if (path.Contains("/classes/三年级二班/"))
        {
            return request.Method == HttpMethod.Get
                ? """{"status":404,"title":"未找到 / Not found","detail":"未找到该班级当日记录 / No minutes logged for this class and day at your school."}"""
                : $$"""{"id":"x","schoolId":"{{School}}","countyCode":"510104","className":"三年级二班","date":"2026-12-04","minutes":90,"loggedBy":"t","loggedAt":"2026-12-04T10:00:00+00:00","version":1}""";
        }
        if (path.Contains("/classes/三年级一班/"))
        {
            var minutes = request.Method == HttpMethod.Get ? 100 : 130;
            return $$"""{"id":"y","schoolId":"{{School}}","countyCode":"510104","className":"三年级一班","date":"2026-12-04","minutes":{{minutes}},"loggedBy":"t","loggedAt":"2026-12-04T10:00:00+00:00","version":2}""";
        }
        return "{}";
    }
}
