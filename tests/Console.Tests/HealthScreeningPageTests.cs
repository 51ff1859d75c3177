using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 医教互促 健康筛查 as a hospital's officer runs it: a round opened at a school of the hospital's alliances (chosen by
/// name), one child's result recorded, the hospital's CSV imported with the round's version and its bad rows shown, the
/// round closed after a confirmation.
/// </summary>
public sealed class HealthScreeningHospitalTests() : CannedGateway("MemberOfficer", new Claim(ConsoleClaims.MemberUnitId, HealthAnswers.Hospital))
{
    protected override string Answer(HttpRequestMessage request) => HealthAnswers.For(request);

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath == $"/api/wellbeing/health-screenings/{HealthAnswers.Round}" ? "\"3\"" : null;

    [Fact]
    public void The_hospital_opens_a_round_at_a_school_of_its_alliances_and_is_taken_to_it()
    {
        var page = Render<Components.Pages.HealthScreenings>();
        page.WaitForAssertion(() => page.Find("[data-test=round-school-search]").Focus(), TimeSpan.FromSeconds(10));
        // Only the schools of the alliances the hospital belongs to: not the hospital itself, not the police station.
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=round-school-list] [data-test=option]")), TimeSpan.FromSeconds(10));
        Assert.Contains("锦江区第1小学", page.Find("[data-test=round-school-list] [data-test=option]").TextContent);
        page.Find("[data-test=round-school-list] [data-test=option]").Click();
        page.Find("[data-test=round-spine]").Change(false);
        page.Find("[data-test=round-startsOn]").Change("2026-12-07");
        page.Find("[data-test=round-expected]").Change("320");
        page.Find("[data-test=round-form]").Submit();

        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, "/api/wellbeing/health-screenings"), (Sent[0].Method, Sent[0].Path));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(HealthAnswers.School, body.GetProperty("schoolId").GetString());
        Assert.Equal(["Vision"], body.GetProperty("checks").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("2026-12-07", body.GetProperty("startsOn").GetString());
        Assert.Equal(320, body.GetProperty("expected").GetInt32());
        page.WaitForAssertion(() => Assert.EndsWith($"health-screenings/{HealthAnswers.Round}",
            Services.GetRequiredService<NavigationManager>().Uri), TimeSpan.FromSeconds(10));

        // The rounds below: the school by name, screened of expected, 进行中 (not 报名中, as an open activity).
        var rounds = page.Find("[data-test=rounds]").TextContent;
        Assert.Contains("锦江区第1小学", rounds);
        Assert.Contains("视力、脊柱侧弯", rounds);
        Assert.Contains("进行中", rounds);
        Assert.Equal("18 / 22", page.Find("[data-test=round-results]").TextContent.Trim());
    }

    [Fact]
    public void The_hospital_records_a_result_imports_its_csv_and_closes_the_round()
    {
        var page = Render<Components.Pages.HealthScreeningDetail>(p => p.Add(x => x.Id, Guid.Parse(HealthAnswers.Round)));
        page.WaitForAssertion(() => page.Find("[data-test=result-form]"), TimeSpan.FromSeconds(10));
        Assert.Contains("锦江区第1小学", page.Find("h1").TextContent);
        Assert.Contains("锦江区妇幼保健院", page.Find("[data-test=round-facts]").TextContent);
        Assert.Contains("接受 19，拒绝 1，转介 3", page.Find("[data-test=round-import]").TextContent);
        // The CSV's columns for this round's two checks.
        Assert.Contains("studentId,grade,screenedOn,rightAcuity,leftAcuity,rightSphere,rightCylinder,leftSphere,leftCylinder,trunkRotation,remarks",
            page.Markup);

        page.Find("[data-test=result-student]").Change(HealthAnswers.Child);
        page.Find("[data-test=result-grade]").Change("5");
        page.Find("[data-test=result-screenedOn]").Change("2026-12-03");
        page.Find("[data-test=result-right-acuity]").Change("4.7");
        page.Find("[data-test=result-right-sphere]").Change("-1.25");
        page.Find("[data-test=result-left-acuity]").Change("4.9");
        page.Find("[data-test=result-trunk]").Change("3");
        page.Find("[data-test=result-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal($"/api/wellbeing/health-screenings/{HealthAnswers.Round}/results", Sent[0].Path);
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(HealthAnswers.Child, body.GetProperty("studentId").GetString());
        Assert.Equal(5, body.GetProperty("grade").GetInt32());
        Assert.Equal(4.7m, body.GetProperty("vision").GetProperty("right").GetProperty("acuity").GetDecimal());
        Assert.Equal(-1.25m, body.GetProperty("vision").GetProperty("right").GetProperty("sphere").GetDecimal());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("vision").GetProperty("left").GetProperty("sphere").ValueKind);
        Assert.Equal(3m, body.GetProperty("spine").GetProperty("trunkRotation").GetDecimal());
        page.WaitForAssertion(() => Assert.Contains("筛查性近视", page.Find("[data-test=result-recorded]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("已转介本院", page.Find("[data-test=result-recorded]").TextContent);
        Assert.Equal("", page.Find("[data-test=result-student]").GetAttribute("value") ?? "");

        // An empty box is said so (the button is not disabled: pasted text reaches the page only as the box loses focus).
        page.Find("[data-test=import]").Click();
        page.WaitForAssertion(() => Assert.Contains("请选择或粘贴医院的 CSV", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Single(Sent);

        const string csv = "studentId,grade,screenedOn,rightAcuity,leftAcuity\n" +
            "01a244c0-0000-7000-8000-000000000002,4,2026-12-03,5.0,5.0\nnot-an-id,4,2026-12-03,5.0,5.0\n";
        page.Find("[data-test=import-csv]").Change(csv);
        page.Find("[data-test=import]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/wellbeing/health-screenings/{HealthAnswers.Round}/results/import", "\"3\"", csv), (Sent[1].Path, Sent[1].IfMatch, Sent[1].Body));
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-test=import-accepted]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("1", page.Find("[data-test=import-rejected]").TextContent);
        Assert.Contains("studentId: 须为学生编号", page.Find("[data-test=import-errors]").TextContent);

        // Closing asks first, then sends the round's version.
        page.Find("[data-test=round-close]").Click();
        Assert.Equal(2, Sent.Count);
        page.Find("[data-test=round-close-yes]").Click();
        page.WaitForAssertion(() => Assert.Equal(3, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/wellbeing/health-screenings/{HealthAnswers.Round}/close", "\"3\""), (Sent[2].Path, Sent[2].IfMatch));
    }
}

/// <summary>A result the API refuses: its reason stands beside the field it names, and what was typed stays.</summary>
public sealed class HealthScreeningRefusalTests() : CannedGateway("MemberOfficer", new Claim(ConsoleClaims.MemberUnitId, HealthAnswers.Hospital))
{
    protected override string Answer(HttpRequestMessage request) => HealthAnswers.For(request);

    protected override string RefusesPosts => """{"title":"输入有误 / Invalid input","status":400,"errors":{"vision.left.acuity":["须为五分记录 3.0 到 5.3 / must be 3.0 to 5.3 on the five-point chart"]}}""";

    [Fact]
    public void A_refused_result_names_the_eye_and_keeps_what_was_typed()
    {
        var page = Render<Components.Pages.HealthScreeningDetail>(p => p.Add(x => x.Id, Guid.Parse(HealthAnswers.Round)));
        page.WaitForAssertion(() => page.Find("[data-test=result-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=result-student]").Change(HealthAnswers.Child);
        page.Find("[data-test=result-grade]").Change("5");
        page.Find("[data-test=result-right-acuity]").Change("4.7");
        page.Find("[data-test=result-left-acuity]").Change("7");
        page.Find("[data-test=result-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("须为五分记录 3.0 到 5.3", page.Find("[data-test=result-left]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(HealthAnswers.Child, page.Find("[data-test=result-student]").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-test=result-recorded]"));
    }
}

/// <summary>The school's administrator reads the round's results (findings, referrals), and records nothing.</summary>
public sealed class HealthScreeningSchoolTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, HealthAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => HealthAnswers.For(request);

    [Fact]
    public void The_school_reads_the_results_without_the_hospitals_forms()
    {
        var page = Render<Components.Pages.HealthScreeningDetail>(p => p.Add(x => x.Id, Guid.Parse(HealthAnswers.Round)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=health-results] tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.Equal(["筛查性近视", "正常"], page.FindAll("[data-test=result-vision]").Select(c => c.TextContent));
        Assert.Equal(["阳性", "正常"], page.FindAll("[data-test=result-spine]").Select(c => c.TextContent));
        Assert.Contains("已转介", page.Find("[data-test=health-results] tbody tr").TextContent);
        Assert.Empty(page.FindAll("[data-test=result-form]"));
        Assert.Empty(page.FindAll("[data-test=import]"));
        Assert.Empty(page.FindAll("[data-test=round-close]"));
        Assert.Empty(page.FindAll("[data-test=round-form]"));
    }
}

/// <summary>The county's bureau follows the rounds (the figures are on 统计报表, linked) and opens none.</summary>
public sealed class HealthScreeningCountyTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => HealthAnswers.For(request);

    [Fact]
    public void The_county_follows_the_rounds_and_is_sent_to_the_figures()
    {
        var page = Render<Components.Pages.HealthScreenings>();
        page.WaitForAssertion(() => Assert.Contains("锦江区第1小学", page.Find("[data-test=rounds]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("锦江区妇幼保健院", page.Find("[data-test=rounds]").TextContent);
        Assert.Equal("figures", page.Find("[data-test=figures-link] a").GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-test=round-form]"));
        Assert.Empty(page.FindAll("[data-test=not-hospital]"));
    }
}

/// <summary>Wellbeing's and Alliances' answers, in their own shapes.</summary>
internal static class HealthAnswers
{
    public const string Hospital = "01a244a1-47fc-7d00-9000-00000000000a";
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";
    public const string Police = "01a244a1-47fc-7abf-b0b0-ecdcb9dbe55b";
    public const string Alliance = "a1000000-0000-0000-0000-000000000001";
    public const string Round = "01a244c0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";
    public const string Child = "01a244c0-0000-7000-8000-000000000001";

    private const string RoundJson = $$"""
        {"roundId":"{{Round}}","schoolId":"{{School}}","countyCode":"510104","unitId":"{{Hospital}}","checks":["Vision","Spine"],
         "startsOn":"2026-11-28","expected":22,"status":"Open","results":18,"referred":3,
         "imports":[{"rows":20,"accepted":19,"referred":3,"rejected":[{"row":7,"line":8,"errors":{"grade":["须为 1 到 12 的年级 / must be a grade from 1 to 12"]} }],"at":"2026-11-28T03:00:00+00:00"}],
         "openedAt":"2026-11-28T02:00:00+00:00","closedAt":null,"version":3}
        """;

    public static string For(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        var query = request.RequestUri.Query;
        return path switch
        {
            $"/api/alliances/units/{Hospital}" => $$"""{"id":"{{Hospital}}","name":"锦江区妇幼保健院","kind":"Hospital","countyCode":"510104"}""",
            $"/api/alliances/units/{School}" => $$"""{"id":"{{School}}","name":"锦江区第1小学","kind":"School","countyCode":"510104"}""",
            $"/api/alliances/units/{Police}" => $$"""{"id":"{{Police}}","name":"锦江区督院街派出所","kind":"PoliceStation","countyCode":"510104"}""",
            "/api/alliances" when query.Contains($"unitId={Hospital}") => $$"""
                [{"id":"{{Alliance}}","name":"锦江区家校社协同育人教联体","kind":"Regional","countyCode":"510104"}]
                """,
            $"/api/alliances/{Alliance}" => $$"""
                {"id":"{{Alliance}}","name":"锦江区家校社协同育人教联体","members":[
                  {"unitId":"{{School}}","unitKind":"School","role":"Member"},
                  {"unitId":"{{Hospital}}","unitKind":"Hospital","role":"Member"},
                  {"unitId":"{{Police}}","unitKind":"PoliceStation","role":"Member"}]}
                """,
            "/api/wellbeing/health-screenings" when request.Method == HttpMethod.Post => $$"""{"roundId":"{{Round}}","status":"Open","version":1}""",
            "/api/wellbeing/health-screenings" => $"[{RoundJson}]",
            $"/api/wellbeing/health-screenings/{Round}" => RoundJson,
            $"/api/wellbeing/health-screenings/{Round}/results" when request.Method == HttpMethod.Post => $$"""
                {"resultId":"01a244c0-2222-7000-8000-000000000001","roundId":"{{Round}}","studentId":"{{Child}}","schoolId":"{{School}}","grade":5,
                 "screenedOn":"2026-12-03","vision":"MyopiaSuspected","spine":"Normal","referralId":"01a244c0-3333-7000-8000-000000000001","version":1}
                """,
            $"/api/wellbeing/health-screenings/{Round}/results" => $$"""
                [{"resultId":"01a244c0-2222-7000-8000-000000000001","roundId":"{{Round}}","studentId":"{{Child}}","schoolId":"{{School}}","grade":5,
                  "screenedOn":"2026-12-03","vision":"MyopiaSuspected","spine":"Positive","referralId":"01a244c0-3333-7000-8000-000000000001","version":1},
                 {"resultId":"01a244c0-2222-7000-8000-000000000002","roundId":"{{Round}}","studentId":"01a244c0-0000-7000-8000-000000000002","schoolId":"{{School}}","grade":4,
                  "screenedOn":"2026-12-03","vision":"Normal","spine":"Normal","referralId":null,"version":1}]
                """,
            $"/api/wellbeing/health-screenings/{Round}/results/import" => $$"""
                {"roundId":"{{Round}}","rows":2,"accepted":1,"rejected":1,"referred":0,
                 "errors":[{"row":2,"line":3,"errors":{"studentId":["须为学生编号（GUID） / must be a student id"]} }]}
                """,
            $"/api/wellbeing/health-screenings/{Round}/close" => RoundJson.Replace("\"Open\"", "\"Closed\""),
            _ => throw new InvalidOperationException($"no canned answer for {request.Method} {request.RequestUri}"),
        };
    }
}
