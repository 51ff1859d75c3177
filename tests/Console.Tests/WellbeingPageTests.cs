using System.Security.Claims;
using Bunit;
using JiaoLianTi.Console.Auth;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 心链网络 as a school's administrator sees it: each referral says to whom the child was referred and where it stands,
/// each support plan its parties, each alert what it is about, in Chinese. The answers are the Wellbeing API's own
/// shapes (taken from the demo system: <c>referralId</c>, <c>planId</c>, the names beside the ids, the alert's code).
/// </summary>
public sealed class WellbeingPageTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, School))
{
    private const string School = "01a243e1-ea00-78ba-bd1a-1ecea94344b6";

    protected override string Answer(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/wellbeing/referrals" => $$"""
            [{"referralId":"7afaee06-d3fa-5591-8f61-aa24f0fcb1e1","studentId":"01a243e5-f62e-7d7a-ae60-2873992294af","schoolId":"{{School}}",
              "unitId":"01a243e1-ea00-7e81-9c8d-ae84fc0caf65","urgency":"Urgent","status":"Referred","overdue":["Acceptance"],
              "madeAt":"2026-12-05T01:51:15+00:00","version":1,"schoolName":"锦江区第1小学","unitName":"锦江区人民医院"},
             {"referralId":"161afa65-45cf-5fc9-bd6a-9b26fc9c00a1","studentId":"01a243e5-f5df-788b-9824-d131e5dc1049","schoolId":"{{School}}",
              "unitId":"01a243e1-ea00-7e81-9c8d-ae84fc0caf65","urgency":"Routine","status":"Seen","overdue":[],
              "madeAt":"2026-12-05T01:51:15+00:00","version":3,"schoolName":"锦江区第1小学","unitName":"锦江区人民医院"}]
            """,
        "/api/wellbeing/plans" => $$"""
            [{"planId":"01a243e5-f297-781d-a830-681ec03c667c","studentId":"01a243e5-f158-7088-8724-2d1fd55e9971","schoolId":"{{School}}",
              "countyCode":"510104","status":"Open","createdAt":"2026-12-05T01:51:13+00:00","version":1,
              "schoolName":"锦江区第1小学","communityUnitName":"锦江区城关社区居民委员会"}]
            """,
        "/api/wellbeing/alerts" => $$"""
            [{"id":"2f8b52fd-3e08-4da2-abee-679dbdbd8dcf","kind":"TierChanged","studentId":"01a243e5-f158-7088-8724-2d1fd55e9971",
              "schoolId":"{{School}}","counsellor":"demo-counsellor","code":"Yellow","at":"2026-12-05T01:51:12+00:00"},
             {"id":"3f8b52fd-3e08-4da2-abee-679dbdbd8dcf","kind":"ReferralOverdue","studentId":"01a243e5-f62e-7d7a-ae60-2873992294af",
              "schoolId":"{{School}}","code":"Acceptance","at":"2026-12-05T01:51:12+00:00"}]
            """,
        "/api/wellbeing/access-log" => $$"""
            [{"id":"a1","studentId":"01a243e5-f158-7088-8724-2d1fd55e9971","schoolId":"{{School}}","countyCode":"510104",
              "reader":"demo-counsellor","readerRole":"Counsellor","resource":"ChildRecord","resourceId":"01a243e5-f158-7088-8724-2d1fd55e9971",
              "purpose":"SupportPlan","refused":false,"at":"2026-12-05T02:00:00+00:00"},
             {"id":"a2","studentId":"01a243e5-f158-7088-8724-2d1fd55e9971","schoolId":"{{School}}","countyCode":"510104",
              "reader":"teacher-x","readerRole":"Teacher","resource":"ChildRecord","resourceId":"01a243e5-f158-7088-8724-2d1fd55e9971",
              "purpose":"Care","refused":true,"at":"2026-12-05T02:01:00+00:00"}]
            """,
        "/api/wellbeing/children/01a243e5-f158-7088-8724-2d1fd55e9971" => $$"""
            {"studentId":"01a243e5-f158-7088-8724-2d1fd55e9971","schoolId":"{{School}}","countyCode":"510104",
             "details":{"name":"示例学生甲","dateOfBirth":"2015-04-13","className":"五年级二班",
                        "guardians":[{"name":"示例家长甲","relation":"母亲","phone":"138-0000-0001"},{"name":"示例祖父","relation":"祖父","phone":null}]},
             "underFourteen":true,"consent":"Given","consentAt":"2026-09-01T00:00:00+00:00","counsellor":"demo-counsellor",
             "categories":[{"category":"LeftBehindChild","source":"School","since":"2026-09-01T00:00:00+00:00","lastFollowUp":"2026-10-01T00:00:00+00:00"}],
             "grants":[],"tier":"Yellow","lastScore":12,"lastScreenedAt":"2026-11-20T02:00:00+00:00","erased":false,"version":4,
             "followUps":[{"category":"LeftBehindChild","lastFollowUp":"2026-10-01T00:00:00+00:00","nextDueAt":"2026-11-01T00:00:00+00:00","overdue":true}]}
            """,
        _ => "[]",
    };

    [Fact]
    public void A_referral_names_the_school_and_the_unit_and_says_where_it_stands_in_Chinese()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=referral-unit]").Count), TimeSpan.FromSeconds(10));
        Assert.All(page.FindAll("[data-test=referral-unit]"), cell => Assert.Equal("锦江区人民医院", cell.TextContent.Trim()));
        var rows = page.FindAll("[data-test=referrals] tr.ant-table-row");
        Assert.Contains("锦江区第1小学", rows[0].TextContent);
        Assert.Contains("01a243e5-f62e-7d7a-ae60-2873992294af", rows[0].TextContent); // which child, by its opaque id
        Assert.Contains("待接收 Referred", rows[0].QuerySelector("[data-test=referral-status]")!.TextContent);
        Assert.Contains("紧急 Urgent", rows[0].TextContent);
        Assert.Contains("接收 Acceptance", rows[0].TextContent); // the step past its SLA
        Assert.Contains("已就诊 Seen", rows[1].QuerySelector("[data-test=referral-status]")!.TextContent);
        Assert.Equal("7afaee06-d3fa-5591-8f61-aa24f0fcb1e1", rows[0].QuerySelector("[data-id]")!.GetAttribute("data-id"));
    }

    [Fact]
    public void A_support_plan_names_its_parties_and_is_under_way_not_open_for_registration()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=plan-party]")), TimeSpan.FromSeconds(10));
        Assert.Equal("锦江区城关社区居民委员会", page.Find("[data-test=plan-party]").TextContent.Trim());
        var status = page.Find("[data-test=plan-status]").TextContent;
        Assert.Contains("帮扶中 Open", status);
        Assert.DoesNotContain("报名中", status);
    }

    [Fact]
    public void An_alert_says_what_it_is_about_in_Chinese()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=alert-kind]").Count), TimeSpan.FromSeconds(10));
        var kinds = page.FindAll("[data-test=alert-kind]").Select(k => k.TextContent.Trim()).ToList();
        Assert.Equal(["关注等级变化 TierChanged", "转介超时 ReferralOverdue"], kinds);
        var details = page.FindAll("[data-test=alert-detail]").Select(d => d.TextContent.Trim()).ToList();
        Assert.Equal("关注等级 Tier → 黄 Yellow", details[0]);
        Assert.Equal("超时环节 Step: 接收 Acceptance", details[1]);
        Assert.Contains("demo-counsellor", page.Find("[data-test=alerts]").TextContent);
    }

    [Fact]
    public void A_record_opened_for_a_purpose_shows_who_the_child_is_and_how_the_school_watches_over_them()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => page.Find("[data-test=read-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=read-form] input").Change("01a243e5-f158-7088-8724-2d1fd55e9971");
        page.Find("[data-test=read-form] select").Change("SupportPlan");
        page.Find("[data-test=read-form]").Submit();
        page.WaitForAssertion(() => page.Find("[data-test=record]"), TimeSpan.FromSeconds(10));
        // The name, class and guardians the service unsealed for this read (the page showed none of them before).
        Assert.Contains("示例学生甲 · 五年级二班 · 出生日期 born 2015-04-13", page.Find("[data-test=record-name]").TextContent);
        var guardians = page.FindAll("[data-test=record-guardian]").Select(g => g.TextContent).ToList();
        Assert.Contains("母亲 示例家长甲 · 138-0000-0001", guardians[0]);
        Assert.Contains("祖父 示例祖父 · 未留电话", guardians[1]);
        Assert.Contains("黄 Yellow", page.Find("[data-test=record-tier]").TextContent);
        Assert.Contains("留守儿童 LeftBehindChild", page.Find("[data-test=record-categories]").TextContent);
        Assert.Contains("回访逾期", page.Find("[data-test=record-follow-up]").TextContent);
        Assert.Contains("已同意 Given", page.Find("[data-test=record]").TextContent);
    }

    [Fact]
    public void The_access_log_says_who_read_what_and_why_and_marks_a_refused_attempt()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=read-role]").Count), TimeSpan.FromSeconds(10));
        var rows = page.FindAll("[data-test=access-log] tr.ant-table-row");
        Assert.Contains("心理教师 Counsellor", rows[0].QuerySelector("[data-test=read-role]")!.TextContent);
        Assert.Contains("学生档案 ChildRecord", rows[0].QuerySelector("[data-test=read-resource]")!.TextContent);
        Assert.Contains("帮扶 Support plan", rows[0].QuerySelector("[data-test=read-purpose]")!.TextContent);
        Assert.Contains("已查阅", rows[0].QuerySelector("[data-test=read-result]")!.TextContent);
        Assert.Contains("教师 Teacher", rows[1].QuerySelector("[data-test=read-role]")!.TextContent);
        Assert.Contains("已拒绝 Refused", rows[1].QuerySelector("[data-test=read-result]")!.TextContent);
    }
}

/// <summary>
/// 转介 as the hospital's officer takes it: 接收 on a referral that waits, 已就诊 with the day of the visit on one
/// accepted, each sent with the version the list showed as If-Match, and the list read again after it.
/// </summary>
public sealed class ReferralStepsTests() : CannedGateway("MemberOfficer", new Claim(ConsoleClaims.MemberUnitId, Hospital))
{
    private const string Hospital = "01a243e1-ea00-7e81-9c8d-ae84fc0caf65";
    private int reads;

    protected override string Answer(HttpRequestMessage request)
    {
        if (request.RequestUri!.AbsolutePath == "/api/wellbeing/referrals/161afa65-45cf-5fc9-bd6a-9b26fc9c00a1/contact")
        {
            Assert.Equal("?purpose=Referral", request.RequestUri.Query);
            return """
                {"referralId":"161afa65-45cf-5fc9-bd6a-9b26fc9c00a1","studentId":"01a243e5-f5df-788b-9824-d131e5dc1049","childName":"示例学生丁",
                 "dateOfBirth":"2014-03-02","guardians":[{"name":"示例家长丁","relation":"母亲","phone":"138-0000-0004"}],
                 "grantId":"2f8b52fd-3e08-4da2-abee-679dbdbd8dcf","grantUntil":"2027-01-05T00:00:00+00:00"}
                """;
        }
        if (request.RequestUri!.AbsolutePath != "/api/wellbeing/referrals")
        {
            return "[]";
        }
        Interlocked.Increment(ref reads);
        return $$"""
            [{"referralId":"7afaee06-d3fa-5591-8f61-aa24f0fcb1e1","studentId":"01a243e5-f62e-7d7a-ae60-2873992294af","unitId":"{{Hospital}}",
              "urgency":"Routine","status":"Referred","overdue":[],"madeAt":"2026-12-05T01:51:15+00:00","version":1,
              "schoolName":"锦江区第1小学","unitName":"锦江区人民医院"},
             {"referralId":"161afa65-45cf-5fc9-bd6a-9b26fc9c00a1","studentId":"01a243e5-f5df-788b-9824-d131e5dc1049","unitId":"{{Hospital}}",
              "urgency":"Priority","status":"Accepted","overdue":[],"madeAt":"2026-12-05T01:51:15+00:00","version":2,
              "schoolName":"锦江区第1小学","unitName":"锦江区人民医院"}]
            """;
    }

    [Fact]
    public void The_unit_accepts_a_waiting_referral_and_records_the_visit_of_an_accepted_one()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=referral-accept]")), TimeSpan.FromSeconds(10));
        Assert.Single(page.FindAll("[data-test=referral-seen]"));
        Assert.Empty(page.FindAll("[data-test=referral-return]")); // the school's step, not the unit's

        var before = reads;
        page.Find("[data-test=referral-accept]").Click();
        page.WaitForAssertion(() => Assert.True(reads > before), TimeSpan.FromSeconds(10));
        var accept = Assert.Single(Sent);
        Assert.Equal((HttpMethod.Post, "/api/wellbeing/referrals/7afaee06-d3fa-5591-8f61-aa24f0fcb1e1/accept", "\"1\""),
            (accept.Method, accept.Path, accept.IfMatch));

        // The guardian's contact, to arrange the visit: only for the accepted one, and the read is the service's to record.
        var contact = Assert.Single(page.FindAll("[data-test=referral-contact]"));
        contact.Click();
        page.WaitForAssertion(() => Assert.Contains("示例学生丁", page.Find("[data-test=referral-contact-card]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("母亲 示例家长丁 · 138-0000-0004", page.Find("[data-test=guardian]").TextContent);

        page.Find("[data-test=seen-on]").Change("2026-12-04");
        page.Find("[data-test=referral-seen]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal("/api/wellbeing/referrals/161afa65-45cf-5fc9-bd6a-9b26fc9c00a1/seen", Sent[1].Path);
        Assert.Equal("\"2\"", Sent[1].IfMatch);
        Assert.Contains("\"seenOn\":\"2026-12-04\"", Sent[1].Body);
    }
}

/// <summary>转介 as the school's counsellor ends it: 复学 on a referral the unit has seen, with the day and the plan.</summary>
public sealed class ReferralReturnTests() : CannedGateway("Counsellor", new Claim(ConsoleClaims.SchoolId, "01a243e1-ea00-78ba-bd1a-1ecea94344b6"))
{
    protected override string Answer(HttpRequestMessage request) => request.RequestUri!.AbsolutePath != "/api/wellbeing/referrals" ? "[]" : """
        [{"referralId":"7afaee06-d3fa-5591-8f61-aa24f0fcb1e1","studentId":"01a243e5-f62e-7d7a-ae60-2873992294af",
          "urgency":"Routine","status":"Seen","overdue":[],"madeAt":"2026-12-05T01:51:15+00:00","version":3,
          "schoolName":"锦江区第1小学","unitName":"锦江区人民医院"}]
        """;

    [Fact]
    public void The_counsellor_records_the_childs_return_with_its_plan()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=referral-return]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=referral-accept]"));
        page.Find("[data-test=return-on]").Change("2026-12-07");
        page.Find("[data-test=re-entry-plan]").Change("每周一次心理教师约谈，班主任关注同伴关系");
        page.Find("[data-test=referral-return]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal("/api/wellbeing/referrals/7afaee06-d3fa-5591-8f61-aa24f0fcb1e1/return", Sent[0].Path);
        Assert.Equal("\"3\"", Sent[0].IfMatch);
        Assert.Contains("\"returnOn\":\"2026-12-07\"", Sent[0].Body);
        Assert.Contains("每周一次心理教师约谈", System.Text.RegularExpressions.Regex.Unescape(Sent[0].Body));
    }
}

/// <summary>
/// 转介 made by the school's counsellor: the units offered are the medical members of the school's established alliances
/// (each once, by name), and the referral is sent with the child, the unit, the urgency and the reason.
/// </summary>
public sealed class MakeReferralTests() : CannedGateway("Counsellor", new Claim(ConsoleClaims.SchoolId, School))
{
    private const string School = "01a243e1-ea00-78ba-bd1a-1ecea94344b6";
    private const string Hospital = "01a243e1-ea00-7e81-9c8d-ae84fc0caf65";
    private const string Centre = "01a243e1-ea00-71b3-867d-2fb4dd4b953b";

    protected override string Answer(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/alliances" when request.RequestUri.Query.Contains($"unitId={School}") => """
            [{"id":"a1000000-0000-0000-0000-000000000001","name":"锦江区家校社协同育人教联体","kind":"Regional","countyCode":"510104"},
             {"id":"a1000000-0000-0000-0000-000000000002","name":"锦江区第1小学校级教联体","kind":"School","countyCode":"510104"}]
            """,
        "/api/alliances/a1000000-0000-0000-0000-000000000001" => $$"""
            {"id":"a1000000-0000-0000-0000-000000000001","members":[{"unitId":"{{Hospital}}","unitKind":"Hospital","role":"Member"},
             {"unitId":"{{Centre}}","unitKind":"MentalHealthCentre","role":"Member"},{"unitId":"{{School}}","unitKind":"School","role":"Member"}]}
            """,
        "/api/alliances/a1000000-0000-0000-0000-000000000002" => $$"""
            {"id":"a1000000-0000-0000-0000-000000000002","members":[{"unitId":"{{Hospital}}","unitKind":"Hospital","role":"Member"},
             {"unitId":"01a243e1-ea00-7abf-b0b0-ecdcb9dbe55b","unitKind":"PoliceStation","role":"Member"}]}
            """,
        $"/api/alliances/units/{Hospital}" => """{"id":"x","name":"锦江区人民医院"}""",
        $"/api/alliances/units/{Centre}" => """{"id":"x","name":"锦江区心理健康服务中心"}""",
        "/api/wellbeing/referrals" when request.Method == HttpMethod.Post => """{"referralId":"7afaee06-d3fa-5591-8f61-aa24f0fcb1e1","status":"Referred"}""",
        _ => "[]",
    };

    [Fact]
    public void The_counsellor_refers_a_child_to_a_medical_member_of_the_schools_alliances()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => page.Find("[data-test=make-referral-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=referral-unit-picker-search]").Focus();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=referral-unit-picker-list] [data-test=option]").Count), TimeSpan.FromSeconds(10));
        var options = page.FindAll("[data-test=referral-unit-picker-list] [data-test=option]");
        Assert.Contains("锦江区人民医院", options[0].TextContent);          // once, though a member of both alliances
        Assert.Contains("锦江区心理健康服务中心", options[1].TextContent);
        Assert.DoesNotContain(options, o => o.GetAttribute("data-value") == "01a243e1-ea00-7abf-b0b0-ecdcb9dbe55b"); // not medical

        options[1].Click();
        page.Find("[data-test=referral-student]").Change("01a243e5-f62e-7d7a-ae60-2873992294af");
        page.Find("[data-test=referral-urgency]").Change("Priority");
        page.Find("[data-test=referral-reason]").Change("持续情绪低落两周，建议专业评估");
        page.Find("[data-test=make-referral-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        var sent = Sent[0];
        Assert.Equal((HttpMethod.Post, "/api/wellbeing/referrals"), (sent.Method, sent.Path));
        var body = System.Text.Json.JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("01a243e5-f62e-7d7a-ae60-2873992294af", body.GetProperty("studentId").GetString());
        Assert.Equal(Centre, body.GetProperty("unitId").GetString());
        Assert.Equal("Priority", body.GetProperty("urgency").GetString());
        Assert.Equal("持续情绪低落两周，建议专业评估", body.GetProperty("reason").GetString());
    }

    [Fact]
    public void A_student_id_that_is_not_an_id_is_said_beside_its_field_and_nothing_is_sent()
    {
        var page = Render<Components.Pages.Wellbeing>();
        page.WaitForAssertion(() => page.Find("[data-test=make-referral-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=referral-student]").Change("张三");
        page.Find("[data-test=make-referral-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("须为学生 ID", page.Find("[data-test=field-error][data-field=studentId]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Empty(Sent);
    }
}
