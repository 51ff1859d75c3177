using System.Security.Claims;
using Bunit;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 课后服务 as a school's teacher runs it: a programme for the term set up in the form, and each session's attendance
/// ticked off the roster and saved as one sheet (the first with no If-Match, a correction with the version read).
/// </summary>
public sealed class ProgrammeFormTests() : CannedGateway("Teacher", new Claim(ConsoleClaims.SchoolId, ProgrammeAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post ? $$"""{"id":"{{ProgrammeAnswers.Id}}","status":"Draft"}""" : "[]";

    [Fact]
    public void A_teacher_sets_up_a_programme_given_by_the_schools_staff()
    {
        var page = Render<Components.Pages.Programmes>();
        page.WaitForAssertion(() => page.Find("[data-test=new-programme]").Click(), TimeSpan.FromSeconds(10));
        page.Find("[data-test=programme-title]").Change("足球兴趣班");
        page.Find("[data-test=programme-weekdays] input[data-value=Friday]").Change(true);
        page.Find("[data-test=programme-weekdays] input[data-value=Wednesday]").Change(false);
        page.Find("[data-test=programme-start]").Change("16:00");
        page.Find("[data-test=programme-provider-name]").Change("本校体育组");
        page.Find("[data-test=programme-dimensions] input[data-value=Physical]").Change(true);
        page.Find("[data-test=programme-form]").Submit();

        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        var body = System.Text.RegularExpressions.Regex.Unescape(Sent[0].Body);
        Assert.Equal("/api/activities/programmes", Sent[0].Path);
        Assert.Contains("\"weekdays\":[\"Monday\",\"Friday\"]", body);
        Assert.Contains("\"startTime\":\"16:00\"", body);
        Assert.Contains("\"endTime\":\"17:00\"", body);
        Assert.Contains("\"providerKind\":\"SchoolStaff\"", body);
        Assert.Contains("\"providerName\":\"本校体育组\"", body);
        Assert.Contains("\"resourceId\":null", body);
        Assert.Contains("\"dimensions\":[\"Physical\"]", body);
        Assert.Matches("\"term\":\"20[0-9]{2}-(autumn|spring)\"", body);
        Assert.EndsWith($"/programmes/{ProgrammeAnswers.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void A_member_unit_provider_needs_its_resource_and_nothing_is_sent_without_it()
    {
        var page = Render<Components.Pages.Programmes>();
        page.WaitForAssertion(() => page.Find("[data-test=new-programme]").Click(), TimeSpan.FromSeconds(10));
        page.Find("[data-test=programme-provider-kind]").Change("MemberUnit");
        page.Find("[data-test=programme-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("请先选择教联体", page.Find("[data-test=field-error][data-field=allianceId]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(Sent);
    }
}

public sealed class ProgrammeAttendanceTests() : CannedGateway("Teacher", new Claim(ConsoleClaims.SchoolId, ProgrammeAnswers.School))
{
    /// <summary>Whether the day's session is recorded already (else the service answers 404, here an empty object).</summary>
    public bool Recorded { get; set; }

    protected override string Answer(HttpRequestMessage request) => ProgrammeAnswers.For(request, Recorded);

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath == $"/api/activities/programmes/{ProgrammeAnswers.Id}" ? "\"2\"" : null;

    protected override System.Net.HttpStatusCode Status(HttpRequestMessage request) =>
        !Recorded && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains("/sessions/")
            ? System.Net.HttpStatusCode.NotFound : System.Net.HttpStatusCode.OK;

    [Fact]
    public void The_first_sheet_of_a_day_goes_without_If_Match_with_the_students_ticked()
    {
        var page = Render<Components.Pages.ProgrammeDetail>(p => p.Add(x => x.Id, Guid.Parse(ProgrammeAnswers.Id)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=attendance-sheet] input").Count), TimeSpan.FromSeconds(10));
        Assert.Contains("周一、周三 15:30–17:00", page.Find("[data-test=programme-facts]").TextContent);
        Assert.Contains("锦江区第1小学", page.Find("[data-test=programme-facts]").TextContent);
        Assert.Contains("报名截止", page.Find("h1").TextContent);
        Assert.Empty(page.FindAll("[data-test=session-recorded]"));

        page.Find($"[data-test=attendance-sheet] input[data-student='{ProgrammeAnswers.Ming}']").Change(true);
        page.Find("[data-test=save-attendance]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal(HttpMethod.Put, Sent[0].Method);
        Assert.Matches($"^/api/activities/programmes/{ProgrammeAnswers.Id}/sessions/20[0-9]{{2}}-[0-9]{{2}}-[0-9]{{2}}/attendance$", Sent[0].Path);
        Assert.Null(Sent[0].IfMatch);
        Assert.Equal($$"""{"present":["{{ProgrammeAnswers.Ming}}"]}""", Sent[0].Body);
    }

    [Fact]
    public void A_recorded_day_shows_who_came_and_a_correction_sends_its_version()
    {
        Recorded = true;
        var page = Render<Components.Pages.ProgrammeDetail>(p => p.Add(x => x.Id, Guid.Parse(ProgrammeAnswers.Id)));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=session-recorded]")), TimeSpan.FromSeconds(10));
        Assert.True(page.Find($"[data-test=attendance-sheet] input[data-student='{ProgrammeAnswers.Hong}']").HasAttribute("checked"));
        Assert.False(page.Find($"[data-test=attendance-sheet] input[data-student='{ProgrammeAnswers.Ming}']").HasAttribute("checked"));

        page.Find($"[data-test=attendance-sheet] input[data-student='{ProgrammeAnswers.Ming}']").Change(true);
        page.Find("[data-test=save-attendance]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal("\"3\"", Sent[0].IfMatch);
        Assert.Equal($$"""{"present":["{{ProgrammeAnswers.Ming}}","{{ProgrammeAnswers.Hong}}"]}""", Sent[0].Body);
    }
}

/// <summary>
/// 更换提供方: the school changes its programme's provider (for one whose provider left its alliance, the page's first
/// action), to its own staff by name, with the programme's revision as If-Match; a member unit needs its resource first.
/// </summary>
public sealed class ProgrammeProviderTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, ProgrammeAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => ProgrammeAnswers.For(request, recorded: true);

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath == $"/api/activities/programmes/{ProgrammeAnswers.Id}" ? "\"2\"" : null;

    [Fact]
    public void The_school_changes_the_provider_to_its_own_staff()
    {
        var page = Render<Components.Pages.ProgrammeDetail>(p => p.Add(x => x.Id, Guid.Parse(ProgrammeAnswers.Id)));
        page.WaitForAssertion(() => page.Find("[data-test=provider-change-open]").Click(), TimeSpan.FromSeconds(10));
        // A member unit without its alliance and resource: named beside the field, nothing sent.
        page.Find("[data-test=provider-provider-kind]").Change("MemberUnit");
        page.Find("[data-test=provider-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("请先选择教联体", page.Find("[data-test=field-error][data-field=allianceId]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(Sent);

        page.Find("[data-test=provider-provider-kind]").Change("SchoolStaff");
        page.Find("[data-test=provider-provider-name]").Change("本校足球教练组");
        page.Find("[data-test=provider-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/activities/programmes/{ProgrammeAnswers.Id}/provider", "\"2\""), (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));
        var body = System.Text.Json.JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(("SchoolStaff", System.Text.Json.JsonValueKind.Null, "本校足球教练组"), (body.GetProperty("providerKind").GetString(),
            body.GetProperty("resourceId").ValueKind, body.GetProperty("providerName").GetString()));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=provider-form]")), TimeSpan.FromSeconds(10));
    }
}

/// <summary>
/// 在校生人数: the school's admin declares this term's number of students (the first without If-Match), and a number
/// already declared is shown and corrected with its version.
/// </summary>
public sealed class DeclaredStudentsTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, ProgrammeAnswers.School))
{
    /// <summary>Whether this term's number is declared already (else the API answers 404).</summary>
    public bool Declared { get; set; }

    protected override string Answer(HttpRequestMessage request) => request.RequestUri!.AbsolutePath.EndsWith("/students", StringComparison.Ordinal)
        ? (Declared || request.Method != HttpMethod.Get
            ? $$"""{"id":"x","schoolId":"{{ProgrammeAnswers.School}}","countyCode":"510104","term":"2026-autumn","students":{{(request.Method == HttpMethod.Get ? 1180 : 1200)}},"declaredBy":"a","declaredAt":"2026-09-01T00:00:00+00:00","version":{{(request.Method == HttpMethod.Get ? 1 : 2)}}}"""
            : """{"status":404,"title":"未找到 / Not found","detail":"学校尚未申报 / not declared"}""")
        : "[]";

    protected override System.Net.HttpStatusCode Status(HttpRequestMessage request) =>
        !Declared && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith("/students", StringComparison.Ordinal)
            ? System.Net.HttpStatusCode.NotFound : System.Net.HttpStatusCode.OK;

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath.EndsWith("/students", StringComparison.Ordinal) ? (request.Method == HttpMethod.Get ? "\"1\"" : "\"2\"") : null;

    [Fact]
    public void The_first_declaration_goes_without_If_Match()
    {
        var page = Render<Components.Pages.Programmes>();
        page.WaitForAssertion(() => Assert.Contains("尚未申报", page.Find("[data-test=declared-state]").TextContent), TimeSpan.FromSeconds(10));
        page.Find("[data-test=declared-students]").Change("1200");
        page.Find("[data-test=declared-save]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal(HttpMethod.Put, Sent[0].Method);
        Assert.Matches($"^/api/activities/schools/{ProgrammeAnswers.School}/terms/20[0-9]{{2}}-(autumn|spring)/students$", Sent[0].Path);
        Assert.Null(Sent[0].IfMatch);
        Assert.Equal("""{"students":1200}""", Sent[0].Body);
        page.WaitForAssertion(() => Assert.Contains("已申报 1200 人（第 2 版）", page.Find("[data-test=declared-state]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_declared_number_is_shown_and_corrected_with_its_version()
    {
        Declared = true;
        var page = Render<Components.Pages.Programmes>();
        page.WaitForAssertion(() => Assert.Equal("1180", page.Find("[data-test=declared-students]").GetAttribute("value")), TimeSpan.FromSeconds(10));
        page.Find("[data-test=declared-students]").Change("1200");
        page.Find("[data-test=declared-save]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal("\"1\"", Sent[0].IfMatch);
    }
}

/// <summary>The county reads a school's programme and its roster; the sheet and the buttons are the school's.</summary>
public sealed class ProgrammeOfAnotherTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => ProgrammeAnswers.For(request, recorded: false);

    [Fact]
    public void The_county_sees_the_roster_without_the_attendance_sheet()
    {
        var page = Render<Components.Pages.ProgrammeDetail>(p => p.Add(x => x.Id, Guid.Parse(ProgrammeAnswers.Id)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=sessions-attended]").Count), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=attendance]"));
        Assert.Empty(page.FindAll("[data-test=programme-actions]"));
    }
}

/// <summary>The programmes API's answers, in its own shapes (taken from the demo system).</summary>
internal static class ProgrammeAnswers
{
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";
    public const string Id = "01a244c3-5a1e-7c2d-9e3f-4a5b6c7d8e9f";
    public const string Ming = "5e1d0000-0000-4000-8000-000000000001";
    public const string Hong = "5e1d0000-0000-4000-8000-000000000002";

    public static string For(HttpRequestMessage request, bool recorded)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path == $"/api/activities/programmes/{Id}")
        {
            return $$"""
                {"id":"{{Id}}","schoolId":"{{School}}","countyCode":"510104","term":"2026-autumn","title":"足球兴趣班",
                 "weekdays":["Monday","Wednesday"],"startTime":"15:30:00","endTime":"17:00:00","places":30,"enrolled":2,"placesLeft":28,
                 "waitlistLength":0,"provider":{"kind":"SchoolStaff","unitId":null,"allianceId":null,"resourceId":null,"name":"本校体育组"},
                 "providerUnitId":null,"providerAllianceId":null,"dimensions":["Physical"],"baseId":null,"status":"Closed","cancelReason":null,
                 "providerLeftAt":null,"sessionsHeld":1,"attendances":1,"sessionHours":1.5,"providerHours":1.5,"revision":2}
                """;
        }
        if (path == $"/api/alliances/units/{School}")
        {
            return $$"""{"id":"{{School}}","name":"锦江区第1小学","kind":"School","countyCode":"510104"}""";
        }
        if (path == $"/api/activities/programmes/{Id}/enrolments" && request.RequestUri.Query.Contains("Enrolled"))
        {
            return $$"""
                [{"programmeId":"{{Id}}","programmeTitle":"足球兴趣班","term":"2026-autumn","studentId":"{{Ming}}","displayName":"小明","className":"三年级一班",
                  "status":"Enrolled","sequence":1,"enrolledAt":"2026-09-02T08:00:00+00:00","sessionsAttended":0,"version":1},
                 {"programmeId":"{{Id}}","programmeTitle":"足球兴趣班","term":"2026-autumn","studentId":"{{Hong}}","displayName":"小红","className":"三年级二班",
                  "status":"Enrolled","sequence":2,"enrolledAt":"2026-09-02T08:05:00+00:00","sessionsAttended":1,"version":1}]
                """;
        }
        if (path.StartsWith($"/api/activities/programmes/{Id}/sessions/", StringComparison.Ordinal))
        {
            return recorded && request.Method == HttpMethod.Get
                ? $$"""{"programmeId":"{{Id}}","date":"2026-12-07","present":["{{Hong}}"],"version":3}"""
                : request.Method == HttpMethod.Get
                    ? """{"status":404,"title":"未找到 / Not found","detail":"2026-12-07 尚无考勤记录 / No attendance recorded for 2026-12-07."}"""
                    : $$"""{"programmeId":"{{Id}}","date":"2026-12-07","present":["{{Ming}}"],"version":1}""";
        }
        return "[]";
    }
}

/// <summary>The sheet opens on the day a teacher most likely means: today's session, else the last one.</summary>
public sealed class ProgrammeTermsTests
{
    [Theory]
    [InlineData("2026-12-05", "2026-12-02")] // a Saturday: the Wednesday before
    [InlineData("2026-12-07", "2026-12-07")] // a Monday: today
    [InlineData("2026-12-08", "2026-12-07")] // a Tuesday: yesterday
    public void The_sheet_opens_on_the_last_session_day(string today, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), Api.ProgrammeTerms.LastSession(["Monday", "Wednesday"], DateOnly.Parse(today)));

    [Theory]
    [InlineData("2026-12-05", "2026-autumn")]
    [InlineData("2027-01-20", "2026-autumn")] // January still belongs to the autumn term
    [InlineData("2027-03-01", "2027-spring")]
    public void A_day_belongs_to_its_term(string day, string term) =>
        Assert.Equal(term, Api.ProgrammeTerms.Of(new DateTimeOffset(DateTime.Parse(day).AddHours(12), TimeSpan.FromHours(8))));

    [Fact]
    public void The_terms_offered_are_the_one_before_this_one_and_the_next()
    {
        Assert.Equal(["2026-spring", "2026-autumn", "2027-spring"], Api.ProgrammeTerms.Around(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(8))));
        Assert.Equal("2026 年秋季学期 2026-autumn", Api.ProgrammeTerms.Name("2026-autumn"));
    }
}
