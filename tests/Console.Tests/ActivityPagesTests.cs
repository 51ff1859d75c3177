using System.Security.Claims;
using Bunit;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

using static System.Text.RegularExpressions.Regex;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 新建活动 as a school's administrator does it: the form posts the activity with China's times, the kind's off-campus
/// default and the five educations chosen, and the page goes to the new activity, where it is opened.
/// </summary>
public sealed class DraftActivityTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, ActivityAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post ? $$"""{"id":"{{ActivityAnswers.Id}}","status":"Draft","revision":1}""" : "[]";

    [Fact]
    public void A_school_admin_drafts_an_activity_in_China_time_and_is_taken_to_it()
    {
        var page = Render<Components.Pages.Activities>();
        page.WaitForAssertion(() => page.Find("[data-test=new-activity]").Click(), TimeSpan.FromSeconds(10));
        Assert.True(page.Find("[data-test=activity-offCampus]").HasAttribute("checked")); // a study trip leaves the school
        page.Find("[data-test=activity-kind]").Change("Lecture");
        Assert.False(page.Find("[data-test=activity-offCampus]").HasAttribute("checked"));
        page.Find("[data-test=activity-title]").Change("院士讲座：航天与梦想");
        page.Find("[data-test=activity-location]").Change("学校报告厅");
        page.Find("[data-test=activity-starts]").Change("2026-12-20T09:00");
        page.Find("[data-test=activity-ends]").Change("2026-12-20T11:30");
        page.Find("[data-test=activity-seats]").Change("200");
        page.Find("[data-test=activity-dimensions] input[data-value=Intellectual]").Change(true);
        page.Find("[data-test=draft-activity-form]").Submit();

        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        var (method, path, ifMatch, body) = Sent[0];
        Assert.Equal((HttpMethod.Post, "/api/activities", null), (method, path, ifMatch));
        Assert.Contains("\"kind\":\"Lecture\"", body);
        Assert.Contains("\"title\":\"院士讲座：航天与梦想\"", Unescape(body));
        Assert.Contains("\"offCampus\":false", body);
        Assert.Contains("\"startsAt\":\"2026-12-20T09:00:00+08:00\"", body);
        Assert.Contains("\"endsAt\":\"2026-12-20T11:30:00+08:00\"", body);
        Assert.Contains("\"seats\":200", body);
        Assert.Contains("\"minAge\":9", body);
        Assert.Contains("\"dimensions\":[\"Intellectual\"]", body);
        Assert.Contains("\"allianceId\":null", body);
        Assert.EndsWith($"/activities/{ActivityAnswers.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }
}

/// <summary>A bureau drafts only an alliance's activity: without one chosen the form says so and sends nothing.</summary>
public sealed class DraftAllianceActivityTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => "[]";

    [Fact]
    public void A_bureau_must_choose_the_alliance_and_nothing_is_sent_without_it()
    {
        var page = Render<Components.Pages.Activities>();
        page.WaitForAssertion(() => page.Find("[data-test=new-activity]").Click(), TimeSpan.FromSeconds(10));
        page.Find("[data-test=activity-title]").Change("社区敬老志愿服务");
        page.Find("[data-test=draft-activity-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("请选择教联体", page.Find("[data-test=field-error][data-field=allianceId]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(Sent);
    }
}

/// <summary>
/// An activity run by the signed-in person's school: opening it sends the safety arrangements of an off-campus trip
/// with the revision read (If-Match); the roster's check-in and attendance send the registration's own version.
/// </summary>
public sealed class RunActivityTests() : CannedGateway("Teacher", new Claim(ConsoleClaims.SchoolId, ActivityAnswers.School))
{
    public string State { get; set; } = "Draft";

    /// <summary>When the activity starts (by default half an hour ago: check-in open, attendance and completion allowed).</summary>
    public DateTimeOffset? Starts { get; set; }

    protected override string Answer(HttpRequestMessage request) => ActivityAnswers.For(request, State, Starts);

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath == $"/api/activities/{ActivityAnswers.Id}" ? "\"3\"" : null;

    [Fact]
    public void The_school_submits_an_off_campus_trips_safety_plan_with_the_revision_it_read()
    {
        var page = Render<Components.Pages.ActivityDetail>(p => p.Add(x => x.Id, Guid.Parse(ActivityAnswers.Id)));
        page.WaitForAssertion(() => Assert.Contains("锦江区第1小学", page.Find("[data-test=activity-runner]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("送审安全预案", page.Find("[data-test=open]").TextContent);
        Assert.Empty(page.FindAll("[data-test=close]"));
        Assert.Empty(page.FindAll("[data-test=check-in]")); // a draft has no roster to check in

        page.Find("[data-test=arrangements]").Change("大巴 1 辆，带队教师 3 名，意外险");
        page.Find("[data-test=open]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/activities/{ActivityAnswers.Id}/open", "\"3\""), (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));
        Assert.Contains("\"arrangements\":\"大巴 1 辆，带队教师 3 名，意外险\"", Unescape(Sent[0].Body));
    }

    [Fact]
    public void On_the_day_the_school_checks_a_student_in_and_records_attendance_with_the_registrations_version()
    {
        State = "Open";
        var page = Render<Components.Pages.ActivityDetail>(p => p.Add(x => x.Id, Guid.Parse(ActivityAnswers.Id)));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=check-in]")), TimeSpan.FromSeconds(10));
        Assert.Contains("报名中", page.Markup);
        Assert.NotEmpty(page.FindAll("[data-test=close]"));
        Assert.NotEmpty(page.FindAll("[data-test=complete]"));
        // 小红 checked in already: her time, no button.
        Assert.Contains("2026-12-05", page.Find($"[data-test=checked-in][data-student='{ActivityAnswers.Checked}']").TextContent);

        page.Find("[data-test=check-in]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/activities/{ActivityAnswers.Id}/registrations/{ActivityAnswers.Waiting}/check-in", "\"2\""),
            (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));

        page.Find($"[data-test=attended][data-student='{ActivityAnswers.Checked}'] [data-test=mark-attended]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal($"/api/activities/{ActivityAnswers.Id}/registrations/{ActivityAnswers.Checked}/attendance", Sent[1].Path);
        Assert.Equal("\"4\"", Sent[1].IfMatch);
        Assert.Contains("\"attended\":true", Sent[1].Body);
    }

    [Fact]
    public void Days_before_the_activity_there_is_no_check_in_attendance_or_completion_yet()
    {
        State = "Open";
        Starts = DateTimeOffset.UtcNow.AddDays(3);
        var page = Render<Components.Pages.ActivityDetail>(p => p.Add(x => x.Id, Guid.Parse(ActivityAnswers.Id)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=checked-in]").Count), TimeSpan.FromSeconds(10));
        Assert.NotEmpty(page.FindAll("[data-test=close]"));
        // The API would refuse each of these now: the page offers them when they can be done, and says when.
        Assert.Empty(page.FindAll("[data-test=check-in]"));
        Assert.Empty(page.FindAll("[data-test=mark-attended]"));
        Assert.Empty(page.FindAll("[data-test=complete]"));
        Assert.Contains("活动开始后可标记完成", page.Find("[data-test=complete-later]").TextContent);
        Assert.Contains("12 小时", page.Find("[data-test=check-in-window]").TextContent);
    }

    [Fact]
    public void Cancelling_sends_the_reason_and_a_closed_activity_reads_as_registration_closed()
    {
        State = "Closed";
        var page = Render<Components.Pages.ActivityDetail>(p => p.Add(x => x.Id, Guid.Parse(ActivityAnswers.Id)));
        page.WaitForAssertion(() => Assert.Contains("报名截止", page.Find("h1").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=close]"));
        page.Find("[data-test=cancel-reason-input]").Change("场馆临时闭馆");
        page.Find("[data-test=cancel]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/activities/{ActivityAnswers.Id}/cancel", "\"3\""), (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));
        Assert.Contains("\"reason\":\"场馆临时闭馆\"", Unescape(Sent[0].Body));
    }
}

/// <summary>Someone who does not run the activity (the county, for a school's) sees it and its roster, not the buttons.</summary>
public sealed class ActivityOfAnotherTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => ActivityAnswers.For(request, "Open");

    [Fact]
    public void The_county_reads_a_schools_activity_without_running_it()
    {
        var page = Render<Components.Pages.ActivityDetail>(p => p.Add(x => x.Id, Guid.Parse(ActivityAnswers.Id)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=checked-in]").Count), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=activity-actions]"));
        Assert.Empty(page.FindAll("[data-test=check-in]"));
        Assert.Empty(page.FindAll("[data-test=mark-attended]"));
    }
}

/// <summary>The Activities API's answers, in its own shapes (taken from the demo system).</summary>
internal static class ActivityAnswers
{
    public const string School = "01a243e1-ea00-78ba-bd1a-1ecea94344b6";
    public const string Id = "019af0a1-2b3c-7d4e-8f60-718293a4b5c6";
    public const string Waiting = "6d1c3a52-0a4e-4b8e-9d11-2f6a7b8c9d01";
    public const string Checked = "6d1c3a52-0a4e-4b8e-9d11-2f6a7b8c9d02";

    /// <summary>The answer to <paramref name="request"/>, the activity in <paramref name="status"/>, starting at
    /// <paramref name="starts"/> (by default half an hour ago) for two hours.</summary>
    public static string For(HttpRequestMessage request, string status, DateTimeOffset? starts = null)
    {
        var path = request.RequestUri!.AbsolutePath;
        var from = (starts ?? DateTimeOffset.UtcNow.AddMinutes(-30)).ToUniversalTime();
        var startsAt = from.ToString("yyyy-MM-ddTHH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture);
        var endsAt = from.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture);
        if (path == $"/api/activities/{Id}")
        {
            return $$"""
                {"id":"{{Id}}","kind":"StudyTrip","schoolId":"{{School}}","allianceId":null,"resourceId":null,"resourceUnitId":null,
                 "schoolName":null,"allianceName":null,"resourceUnitName":null,"title":"科技馆研学实践","location":"四川科技馆","offCampus":true,
                 "startsAt":"{{startsAt}}","endsAt":"{{endsAt}}","seats":20,"confirmed":2,"seatsLeft":18,
                 "waitlistLength":0,"minAge":9,"maxAge":15,"countyCode":"510104","topics":[],"dimensions":["Moral","Intellectual"],
                 "baseId":null,"status":"{{status}}","cancelReason":null,"safetyPlanRejection":null,"allianceFlag":null,"allianceFlaggedAt":null,
                 "safetyPlanReviewDeadline":null,"safetyPlanReminderSentAt":null,"checkedIn":1,"attended":0,"revision":3}
                """;
        }
        if (path == $"/api/alliances/units/{School}")
        {
            return """{"id":"01a243e1-ea00-78ba-bd1a-1ecea94344b6","name":"锦江区第1小学","kind":"School","countyCode":"510104"}""";
        }
        if (path == $"/api/activities/{Id}/registrations" && request.RequestUri.Query.Contains("Confirmed") && status != "Draft")
        {
            return $$"""
                [{"activityId":"{{Id}}","activityTitle":"科技馆研学实践","startsAt":"{{startsAt}}","activityStatus":"{{status}}",
                  "studentId":"{{Waiting}}","displayName":"小明","schoolId":"{{School}}","className":"六年级一班","status":"Confirmed",
                  "waitlistPosition":null,"sequence":1,"registeredAt":"2026-12-05T05:00:00+00:00","consentGivenBy":"parent-1",
                  "checkedInAt":null,"attended":null,"version":2,"consentWithdrawnAt":null,"schoolName":"锦江区第1小学"},
                 {"activityId":"{{Id}}","activityTitle":"科技馆研学实践","startsAt":"{{startsAt}}","activityStatus":"{{status}}",
                  "studentId":"{{Checked}}","displayName":"小红","schoolId":"{{School}}","className":"六年级一班","status":"Confirmed",
                  "waitlistPosition":null,"sequence":2,"registeredAt":"2026-12-05T05:01:00+00:00","consentGivenBy":"parent-2",
                  "checkedInAt":"2026-12-05T06:00:00+00:00","attended":null,"version":4,"consentWithdrawnAt":null,"schoolName":"锦江区第1小学"}]
                """;
        }
        return path.Contains("/volunteer-hours/") ? """{"hours":0,"status":""}""" : "[]";
    }
}
