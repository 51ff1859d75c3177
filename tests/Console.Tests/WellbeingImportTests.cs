using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 心理健康筛查 imported by a school's counsellor: the CSV pasted (or chosen) is sent as it is, with the school and
/// the instrument; the report's counts and each refused row are shown; an empty box sends nothing.
/// </summary>
public sealed class ScreeningImportTests() : CannedGateway("Counsellor", new Claim(ConsoleClaims.SchoolId, WellbeingImportAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => WellbeingImportAnswers.For(request);

    [Fact]
    public void The_counsellor_imports_a_round_and_reads_its_report()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => page.Find("[data-test=screening-import]"), TimeSpan.FromSeconds(10));
        Assert.Contains("MHT", page.Find("[data-test=screening-rounds]").TextContent);

        page.Find("[data-test=screening-import]").Click();
        Assert.Contains("请选择或粘贴", page.Find("[data-field=csv] [data-test=field-error]").TextContent);
        Assert.Empty(Sent);

        const string csv = "studentId,score,takenOn\n5e1d0000-0000-4000-8000-000000000001,42,2026-12-01\n";
        page.Find("[data-test=screening] [data-test=import-csv]").Change(csv);
        page.Find("[data-test=screening-instrument]").Change("SCL-90");
        page.Find("[data-test=screening-import]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, "/api/wellbeing/screenings/rounds", csv), (Sent[0].Method, Sent[0].Path, Sent[0].Body));
        Assert.Contains($"schoolId={WellbeingImportAnswers.School}", WellbeingImportAnswers.ImportQuery);
        Assert.Contains("instrument=SCL-90", WellbeingImportAnswers.ImportQuery);
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-test=screening-accepted]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("不是本校已建档学生", page.Find("[data-test=screening] [data-test=import-errors]").TextContent);
        Assert.Empty(page.FindAll("[data-test=erase-child]")); // erasure is the school admin's
    }
}

/// <summary>
/// 删除学生个人信息 asked by a school's admin at the guardian's request: only a student id, only once the admin ticked
/// that it cannot be undone, and only after a confirmation.
/// </summary>
public sealed class EraseChildTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, WellbeingImportAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => WellbeingImportAnswers.For(request);

    [Fact]
    public void The_admin_asks_for_erasure_after_ticking_and_confirming()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => page.Find("[data-test=erase-ask]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=erase-student]").Change("李小明");
        page.Find("[data-test=erase-ask]").Click();
        Assert.Contains("学生编号", page.Find("[data-test=erase-child] [data-test=field-error]").TextContent);
        page.Find("[data-test=erase-student]").Change(WellbeingImportAnswers.Child);
        page.Find("[data-test=erase-ask]").Click();
        Assert.Contains("请先勾选", page.Find("[data-test=erase-child] [data-test=field-error]").TextContent);
        page.Find("[data-test=erase-understood]").Change(true);
        page.Find("[data-test=erase-ask]").Click();
        Assert.Empty(Sent);
        page.Find("[data-test=erase-yes]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal(("/api/wellbeing/erasure-requests", WellbeingImportAnswers.Child),
            (Sent[0].Path, JsonDocument.Parse(Sent[0].Body).RootElement.GetProperty("studentId").GetString()));
        page.WaitForAssertion(() => Assert.Contains("已提交删除请求", page.Find("[data-test=erase-asked]").TextContent), TimeSpan.FromSeconds(10));
    }
}

internal static class WellbeingImportAnswers
{
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";
    public const string Child = "5e1d0000-0000-4000-8000-000000000009";

    /// <summary>The last import's query (the gateway's path alone is recorded in Sent).</summary>
    public static string ImportQuery { get; private set; } = "";

    public static string For(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/api/wellbeing/screenings/rounds" && request.Method == HttpMethod.Post)
        {
            ImportQuery = request.RequestUri.Query;
            return $$$"""
                {"roundId":"01a244a1-8000-7000-8000-000000000001","schoolId":"{{{School}}}","rows":3,"accepted":2,"rejected":1,"tierChanges":1,"crisesStarted":0,
                 "errors":[{"row":3,"line":4,"errors":{"studentId":["不是本校已建档学生 / is not a recorded child of this school"]}}]}
                """;
        }
        if (path == "/api/wellbeing/screenings/rounds")
        {
            return $$$"""
                [{"id":"01a244a1-8000-7000-8000-000000000000","schoolId":"{{{School}}}","countyCode":"510104","instrument":"MHT","rows":120,"accepted":118,
                  "tierChanges":4,"crisesStarted":1,"rejected":[{"row":5,"line":6,"errors":{}},{"row":9,"line":10,"errors":{}}],"at":"2026-11-20T02:00:00+00:00","version":1}]
                """;
        }
        if (path == "/api/wellbeing/erasure-requests")
        {
            return $$"""{"requestId":"01a244a1-9000-7000-8000-000000000001","studentId":"{{Child}}","requestedAt":"2026-12-05T06:00:00+00:00"}""";
        }
        return "[]";
    }
}
