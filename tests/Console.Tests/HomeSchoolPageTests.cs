using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 家长会与家访 as a teacher runs them: a meeting scheduled in Beijing time for a grade and class, attendance recorded once
/// it has begun and a coming one cancelled; a home visit scheduled for a child by the school's id, recorded after its
/// time with who of the family was there, each change with the row's revision as If-Match; only what the rules allow
/// now is offered.
/// </summary>
public sealed class HomeSchoolTeacherTests() : CannedGateway("Teacher", new Claim(ConsoleClaims.SchoolId, HomeSchoolAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => HomeSchoolAnswers.For(request);

    [Fact]
    public void The_teacher_schedules_a_meeting_records_attendance_of_one_begun_and_cancels_one_to_come()
    {
        var page = Render<Components.Pages.HomeSchool>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-test=meeting-row]").Count), TimeSpan.FromSeconds(10));
        // What each row offers: the begun one attendance and cancelling, the coming one cancelling, the held one a correction.
        Assert.Single(Row(page, HomeSchoolAnswers.Begun).QuerySelectorAll("[data-test=meeting-attendance-open]"));
        Assert.Empty(Row(page, HomeSchoolAnswers.Coming).QuerySelectorAll("[data-test=meeting-attendance-open]"));
        Assert.Single(Row(page, HomeSchoolAnswers.Coming).QuerySelectorAll("[data-test=meeting-cancel-open]"));
        Assert.Contains("更正出席", Row(page, HomeSchoolAnswers.Held).TextContent);
        Assert.Empty(Row(page, HomeSchoolAnswers.Held).QuerySelectorAll("[data-test=meeting-cancel-open]"));
        Assert.Contains("3 年级 2 班", Row(page, HomeSchoolAnswers.Coming).TextContent);
        Assert.Contains("38 / 45", Row(page, HomeSchoolAnswers.Held).TextContent);

        page.Find("[data-test=meeting-title]").Change("期末家长会");
        page.Find("[data-test=meeting-grade]").Change("4");
        page.Find("[data-test=meeting-class]").Change("1 班");
        page.Find("[data-test=meeting-location]").Change("四楼会议室");
        page.Find("[data-test=meeting-starts]").Change("2027-01-15T15:30");
        page.Find("[data-test=meeting-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, "/api/parentschool/meetings"), (Sent[0].Method, Sent[0].Path));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(("期末家长会", 4, "1 班", "四楼会议室"), (body.GetProperty("title").GetString(), body.GetProperty("grade").GetInt32(),
            body.GetProperty("className").GetString(), body.GetProperty("location").GetString()));
        // Typed in Beijing time, sent as that instant.
        Assert.Equal(new DateTimeOffset(2027, 1, 15, 7, 30, 0, TimeSpan.Zero), body.GetProperty("startsAt").GetDateTimeOffset());

        Row(page, HomeSchoolAnswers.Begun).QuerySelector("[data-test=meeting-attendance-open]")!.Click();
        page.Find("[data-test=attendance-invited]").Change("40");
        page.Find("[data-test=attendance-attended]").Change("36");
        page.Find("[data-test=attendance-notes]").Change("寒假安全提醒");
        page.Find("[data-test=attendance-form]").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/parentschool/meetings/{HomeSchoolAnswers.Begun}/attendance", "\"1\""), (Sent[1].Method, Sent[1].Path, Sent[1].IfMatch));
        body = JsonDocument.Parse(Sent[1].Body).RootElement;
        Assert.Equal((40, 36, "寒假安全提醒"), (body.GetProperty("invited").GetInt32(), body.GetProperty("attended").GetInt32(), body.GetProperty("notes").GetString()));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=meeting-action]")), TimeSpan.FromSeconds(10));

        Row(page, HomeSchoolAnswers.Coming).QuerySelector("[data-test=meeting-cancel-open]")!.Click();
        page.Find("[data-test=meeting-cancel-reason]").Change("流感停课");
        page.Find("[data-test=meeting-cancel-form]").Submit();
        page.WaitForAssertion(() => Assert.Equal(3, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/parentschool/meetings/{HomeSchoolAnswers.Coming}/cancellation", "\"2\"", "流感停课"),
            (Sent[2].Path, Sent[2].IfMatch, JsonDocument.Parse(Sent[2].Body).RootElement.GetProperty("reason").GetString()));
    }

    [Fact]
    public void The_teacher_schedules_a_home_visit_for_a_child_and_records_the_one_that_is_due()
    {
        var page = Render<Components.Pages.HomeSchool>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-test=visit-row]").Count), TimeSpan.FromSeconds(10));
        Assert.Single(VisitRow(page, HomeSchoolAnswers.DueVisit).QuerySelectorAll("[data-test=visit-record-open]"));
        Assert.Empty(VisitRow(page, HomeSchoolAnswers.LaterVisit).QuerySelectorAll("[data-test=visit-record-open]"));
        Assert.Empty(VisitRow(page, HomeSchoolAnswers.DoneVisit).QuerySelectorAll("button"));
        Assert.Contains("母亲、外祖父", VisitRow(page, HomeSchoolAnswers.DoneVisit).TextContent);
        // A visit scheduled with the child's name shows it; one without, the opaque id.
        Assert.Equal("李小红", VisitRow(page, HomeSchoolAnswers.DueVisit).QuerySelector("[data-test=visit-student-named]")!.TextContent);
        Assert.Null(VisitRow(page, HomeSchoolAnswers.LaterVisit).QuerySelector("[data-test=visit-student-named]"));

        // Not a student id: said beside the field, nothing sent.
        page.Find("[data-test=visit-student]").Change("李小明");
        page.Find("[data-test=visit-purpose]").Change("了解寒假安排");
        page.Find("[data-test=visit-form]").Submit();
        Assert.Contains("学生编号", page.Find("[data-field=studentId] [data-test=field-error]").TextContent);
        Assert.Empty(Sent);
        page.Find("[data-test=visit-student]").Change(HomeSchoolAnswers.Student);
        page.Find("[data-test=visit-student-name]").Change(" 李小明 ");
        page.Find("[data-test=visit-planned]").Change("2027-01-20T10:00");
        page.Find("[data-test=visit-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(("/api/parentschool/home-visits", HomeSchoolAnswers.Student, "了解寒假安排"),
            (Sent[0].Path, body.GetProperty("studentId").GetString(), body.GetProperty("purpose").GetString()));
        Assert.Equal(new DateTimeOffset(2027, 1, 20, 2, 0, 0, TimeSpan.Zero), body.GetProperty("plannedAt").GetDateTimeOffset());
        Assert.Equal("李小明", body.GetProperty("studentName").GetString());

        VisitRow(page, HomeSchoolAnswers.DueVisit).QuerySelector("[data-test=visit-record-open]")!.Click();
        page.Find("[data-test=visit-family]").Change("母亲、祖母\n 父亲 ");
        page.Find("[data-test=visit-notes]").Change("作息规律，建议每天户外活动一小时。");
        page.Find("[data-test=visit-record-form]").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/parentschool/home-visits/{HomeSchoolAnswers.DueVisit}/record", "\"1\""), (Sent[1].Path, Sent[1].IfMatch));
        body = JsonDocument.Parse(Sent[1].Body).RootElement;
        Assert.Equal(["母亲", "祖母", "父亲"], body.GetProperty("familyPresent").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("作息规律，建议每天户外活动一小时。", body.GetProperty("notes").GetString());
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<Components.Pages.HomeSchool> page, string id) =>
        page.Find($"[data-test=meeting-row][data-meeting='{id}']").ParentElement!;

    private static AngleSharp.Dom.IElement VisitRow(IRenderedComponent<Components.Pages.HomeSchool> page, string id) =>
        page.Find($"[data-test=visit-row][data-visit='{id}']").ParentElement!;
}

/// <summary>A refused attendance (more came than were invited): the API's reason stands beside the field, the figures stay.</summary>
public sealed class HomeSchoolRefusalTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, HomeSchoolAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => HomeSchoolAnswers.For(request);

    protected override string RefusesPosts => """{"title":"输入有误 / Invalid input","status":400,"errors":{"attended":["出席人数不能多于邀请人数 / More attended than were invited."]}}""";

    [Fact]
    public void More_families_than_invited_is_named_beside_the_field()
    {
        var page = Render<Components.Pages.HomeSchool>();
        page.WaitForAssertion(() => page.Find($"[data-test=meeting-row][data-meeting='{HomeSchoolAnswers.Begun}']"), TimeSpan.FromSeconds(10));
        // The school's admins see each visit's teacher.
        Assert.Contains("教师 Teacher", page.Find("[data-test=visits]").TextContent);
        page.Find($"[data-test=meeting-row][data-meeting='{HomeSchoolAnswers.Begun}']").ParentElement!.QuerySelector("[data-test=meeting-attendance-open]")!.Click();
        page.Find("[data-test=attendance-invited]").Change("30");
        page.Find("[data-test=attendance-attended]").Change("31");
        page.Find("[data-test=attendance-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("不能多于", page.Find("[data-field=attended] [data-test=field-error]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("31", page.Find("[data-test=attendance-attended]").GetAttribute("value"));
    }
}

/// <summary>A county's bureau reads its schools' meetings, by school, and changes nothing; home visits are not theirs to read.</summary>
public sealed class HomeSchoolBureauTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => HomeSchoolAnswers.For(request);

    [Fact]
    public void The_county_reads_the_meetings_by_school_and_no_home_visit()
    {
        var page = Render<Components.Pages.HomeSchool>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-test=meeting-row]").Count), TimeSpan.FromSeconds(10));
        Assert.Contains("锦江区第1小学", page.Find("[data-test=meetings]").TextContent);
        Assert.Empty(page.FindAll("[data-test=meeting-form]"));
        Assert.Empty(page.FindAll("[data-test=meeting-attendance-open]"));
        Assert.Empty(page.FindAll("[data-test=visits]"));
        Assert.Contains("need-to-know", page.Find("[data-test=visits-need-to-know]").TextContent);
    }
}

/// <summary>ParentSchool's answers for the page: three meetings and three home visits, their times relative to now.</summary>
internal static class HomeSchoolAnswers
{
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";
    public const string Begun = "01a244a1-5000-7000-8000-000000000001";
    public const string Coming = "01a244a1-5000-7000-8000-000000000002";
    public const string Held = "01a244a1-5000-7000-8000-000000000003";
    public const string DueVisit = "01a244a1-6000-7000-8000-000000000001";
    public const string LaterVisit = "01a244a1-6000-7000-8000-000000000002";
    public const string DoneVisit = "01a244a1-6000-7000-8000-000000000003";
    public const string Student = "01a244a1-7000-7000-8000-00000000000a";

    private static string At(TimeSpan fromNow) => (DateTimeOffset.UtcNow + fromNow).ToString("O", CultureInfo.InvariantCulture);

    public static string For(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/parentschool/meetings" when request.Method == HttpMethod.Get => $$"""
            [{"id":"{{Held}}","schoolId":"{{School}}","countyCode":"510104","title":"开学家长会","grade":null,"className":null,"location":"报告厅","startsAt":"{{At(TimeSpan.FromDays(-20))}}","scheduledBy":"t1","status":"Held","invited":45,"attended":38,"notes":"新学期安排","cancellationReason":null,"version":2,"schoolName":"锦江区第1小学"},
             {"id":"{{Begun}}","schoolId":"{{School}}","countyCode":"510104","title":"安全教育家长会","grade":2,"className":null,"location":"二楼教室","startsAt":"{{At(TimeSpan.FromHours(-2))}}","scheduledBy":"t1","status":"Scheduled","invited":null,"attended":null,"notes":null,"cancellationReason":null,"version":1,"schoolName":"锦江区第1小学"},
             {"id":"{{Coming}}","schoolId":"{{School}}","countyCode":"510104","title":"期中家长会","grade":3,"className":"2 班","location":"三楼会议室","startsAt":"{{At(TimeSpan.FromDays(5))}}","scheduledBy":"t1","status":"Scheduled","invited":null,"attended":null,"notes":null,"cancellationReason":null,"version":2,"schoolName":"锦江区第1小学"}]
            """,
        "/api/parentschool/home-visits" when request.Method == HttpMethod.Get => $$"""
            [{"id":"{{LaterVisit}}","schoolId":"{{School}}","countyCode":"510104","studentId":"{{Student}}","purpose":"寒假安排","plannedAt":"{{At(TimeSpan.FromDays(3))}}","teacher":"test-Teacher","status":"Scheduled","familyPresent":[],"notes":null,"visitedAt":null,"cancellationReason":null,"version":1},
             {"id":"{{DueVisit}}","schoolId":"{{School}}","countyCode":"510104","studentId":"{{Student}}","purpose":"学习习惯","plannedAt":"{{At(TimeSpan.FromHours(-3))}}","teacher":"test-Teacher","status":"Scheduled","familyPresent":[],"notes":null,"visitedAt":null,"cancellationReason":null,"version":1,"studentName":"李小红"},
             {"id":"{{DoneVisit}}","schoolId":"{{School}}","countyCode":"510104","studentId":"{{Student}}","purpose":"开学适应","plannedAt":"{{At(TimeSpan.FromDays(-30))}}","teacher":"test-Teacher","status":"Done","familyPresent":["母亲","外祖父"],"notes":"适应良好","visitedAt":"{{At(TimeSpan.FromDays(-30))}}","cancellationReason":null,"version":2}]
            """,
        _ => "{}",
    };
}
