using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 法治副校长 as the county appoints one: the school comes from the figures' link, the unit is one of the police
/// stations, procuratorates and courts of the school's alliances (by name), and each appointment is renewed or ended
/// with the version the list showed.
/// </summary>
public sealed class LegalVicePrincipalCountyTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => LegalAnswers.For(request);

    [Fact]
    public void The_county_appoints_one_from_a_legal_unit_of_the_schools_alliances()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"legal-vice-principals?school={LegalAnswers.School}");
        var page = Render<Components.Pages.LegalVicePrincipals>();
        page.WaitForAssertion(() => page.Find("[data-test=lvp-unit-search]").Focus(), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=lvp-unit-list] [data-test=option]").Count), TimeSpan.FromSeconds(10));
        var options = page.FindAll("[data-test=lvp-unit-list] [data-test=option]");
        Assert.Contains("锦江区督院街派出所", options[0].TextContent);
        Assert.Contains("锦江区人民法院", options[1].TextContent);
        options[1].Click();
        page.Find("[data-test=lvp-name]").Change("李法官");
        page.Find("[data-test=lvp-position]").Change("审判员");
        page.Find("[data-test=lvp-subject]").Change("court-li");
        page.Find("[data-test=lvp-startsOn]").Change("2026-12-07");
        page.Find("[data-test=appoint-form]").Submit();

        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal("/api/campussafety/legal-vice-principals", Sent[0].Path);
        Assert.Equal(LegalAnswers.School, body.GetProperty("schoolId").GetString());
        Assert.Equal(LegalAnswers.Court, body.GetProperty("unitId").GetString());
        Assert.Equal("李法官", body.GetProperty("name").GetString());
        Assert.Equal("court-li", body.GetProperty("subject").GetString());
        Assert.Equal("2026-12-07", body.GetProperty("startsOn").GetString());
        Assert.Equal(3, body.GetProperty("years").GetInt32());
        page.WaitForAssertion(() => Assert.Contains("已聘任：李法官（锦江区人民法院）", page.Markup), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_county_renews_and_ends_with_the_version_the_list_showed()
    {
        var page = Render<Components.Pages.LegalVicePrincipals>();
        page.WaitForAssertion(() => Assert.Contains("在任", page.Find("[data-test=lvp-status]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("锦江区第1小学", page.Find("[data-test=appointments]").TextContent);
        Assert.Contains("最近 2026-11-20 预防校园欺凌", page.Find("[data-test=lvp-lessons]").TextContent);
        Assert.Empty(page.FindAll("[data-test=lvp-lesson]")); // lessons are the appointee's or the school's to record

        page.Find("[data-test=lvp-renew-years]").Change("2");
        page.Find("[data-test=lvp-renew]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/campussafety/legal-vice-principals/{LegalAnswers.Appointment}/renew", "\"4\""),
            (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));
        Assert.Equal("""{"years":2}""", Sent[0].Body);

        page.Find("[data-test=lvp-end-reason]").Change("Dismissed");
        page.Find("[data-test=lvp-end]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal($"/api/campussafety/legal-vice-principals/{LegalAnswers.Appointment}/end", Sent[1].Path);
        Assert.Equal("""{"reason":"Dismissed"}""", Sent[1].Body);
    }
}

/// <summary>The school's administrator records a law lesson for its legal vice-principal; renewing is the county's.</summary>
public sealed class LegalVicePrincipalSchoolTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, LegalAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => LegalAnswers.For(request);

    [Fact]
    public void The_school_records_a_lesson_with_its_classes()
    {
        var page = Render<Components.Pages.LegalVicePrincipals>();
        page.WaitForAssertion(() => page.Find("[data-test=lvp-lesson]").Click(), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=appoint-form]"));
        Assert.Empty(page.FindAll("[data-test=lvp-renew]"));
        page.Find("[data-test=lesson-on]").Change("2026-12-04");
        page.Find("[data-test=lesson-topic]").Change("宪法日：认识宪法");
        page.Find("[data-test=lesson-classes]").Change("五年级一班，五年级二班、六年级一班");
        page.Find("[data-test=lesson-save]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal($"/api/campussafety/legal-vice-principals/{LegalAnswers.Appointment}/lessons", Sent[0].Path);
        Assert.Equal("\"4\"", Sent[0].IfMatch);
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal("2026-12-04", body.GetProperty("on").GetString());
        Assert.Equal("宪法日：认识宪法", body.GetProperty("topic").GetString());
        Assert.Equal(["五年级一班", "五年级二班", "六年级一班"], body.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
    }
}

/// <summary>The answers of CampusSafety and Alliances, in their own shapes (taken from the demo system).</summary>
internal static class LegalAnswers
{
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";
    public const string Police = "01a244a1-47fc-7abf-b0b0-ecdcb9dbe55b";
    public const string Court = "01a244a1-47fc-7c11-8d2e-3f4a5b6c7d8e";
    public const string Appointment = "01a244b9-1c2d-7e3f-8a4b-5c6d7e8f9a0b";

    public static string For(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/campussafety/legal-vice-principals" when request.Method == HttpMethod.Get => $$"""
            [{"appointmentId":"{{Appointment}}","schoolId":"{{School}}","countyCode":"510104","unitId":"{{Police}}","unitKind":"PoliceStation",
              "unitName":"锦江区督院街派出所","name":"王警官","position":"派出所副所长","subject":"police-wang","startsOn":"2025-09-01","endsOn":"2028-08-31",
              "status":"Active","endedOn":null,"endReason":null,"current":true,"renewals":0,
              "lessons":[{"lessonId":"01a244b9-0000-7000-8000-000000000001","on":"2026-11-20","topic":"预防校园欺凌","term":"2026-Autumn","classes":["五年级一班"],"by":"police-wang"}],
              "version":4}]
            """,
        "/api/campussafety/legal-vice-principals" => $$"""{"appointmentId":"{{Appointment}}","name":"李法官","unitName":"锦江区人民法院","status":"Active","version":1}""",
        "/api/alliances" when request.RequestUri.Query.Contains($"unitId={School}") => """
            [{"id":"a1000000-0000-0000-0000-000000000001","name":"锦江区家校社协同育人教联体","kind":"Regional","countyCode":"510104"}]
            """,
        "/api/alliances/a1000000-0000-0000-0000-000000000001" => $$"""
            {"id":"a1000000-0000-0000-0000-000000000001","members":[{"unitId":"{{Police}}","unitKind":"PoliceStation","role":"Member"},
             {"unitId":"{{Court}}","unitKind":"Court","role":"Member"},{"unitId":"{{School}}","unitKind":"School","role":"Member"},
             {"unitId":"01a243e1-ea00-7e81-9c8d-ae84fc0caf65","unitKind":"Hospital","role":"Member"}]}
            """,
        $"/api/alliances/units/{School}" => """{"id":"x","name":"锦江区第1小学"}""",
        $"/api/alliances/units/{Police}" => """{"id":"x","name":"锦江区督院街派出所"}""",
        $"/api/alliances/units/{Court}" => """{"id":"x","name":"锦江区人民法院"}""",
        _ => "[]",
    };
}

/// <summary>
/// 认领: the county appointed a police officer by name only; the officer, signed in for the police station, sees the
/// appointment marked unclaimed and claims it (with the version the list showed), after which the lessons are theirs.
/// </summary>
public sealed class LegalVicePrincipalOfficerTests() : CannedGateway("MemberOfficer", new Claim(ConsoleClaims.MemberUnitId, LegalAnswers.Police))
{
    protected override string Answer(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/api/campussafety/legal-vice-principals"
            ? LegalAnswers.For(request).Replace("\"subject\":\"police-wang\"", "\"subject\":null")
            : LegalAnswers.For(request);

    [Fact]
    public void The_appointee_claims_an_appointment_the_county_made_without_an_account()
    {
        var page = Render<Components.Pages.LegalVicePrincipals>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=lvp-unclaimed]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=lvp-lesson]")); // not theirs to record until claimed
        Assert.Empty(page.FindAll("[data-test=appoint-form]"));
        page.Find("[data-test=lvp-claim]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/campussafety/legal-vice-principals/{LegalAnswers.Appointment}/claim", "\"4\""),
            (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));
    }
}
