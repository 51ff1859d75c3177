using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 家长学校 微课程 authored in the console: a county's bureau drafts a course of its county with its lessons, and is taken
/// to it; on the course's page its author publishes the draft, revises the next version (each lesson keeping its id, so
/// parents keep their progress) and retires it, each with the revision read as If-Match.
/// </summary>
public sealed class CourseAuthoringCountyTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => CourseAnswers.For(request);

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath == $"/api/parentschool/courses/{CourseAnswers.Course}" ? "\"5\"" : null;

    [Fact]
    public void The_county_drafts_a_course_of_two_lessons_and_is_taken_to_it()
    {
        var page = Render<Components.Pages.ParentSchool>();
        page.WaitForAssertion(() => page.Find("[data-test=course-form]"), TimeSpan.FromSeconds(10));
        // A county's bureau drafts for its own county only: no county to type.
        Assert.Equal(["County"], page.FindAll("[data-test=course-scope] option").Select(o => o.GetAttribute("value")));
        Assert.Equal("County", page.Find("[data-test=course-scope]").GetAttribute("value")); // chosen, not blank
        Assert.Empty(page.FindAll("[data-test=course-county]"));
        page.WaitForAssertion(() => Assert.Contains("县级 County", page.Find("[data-test=courses]").TextContent), TimeSpan.FromSeconds(10));
        page.Find("[data-test=course-title]").Change("青春期亲子沟通");
        page.Find("[data-test=course-topic]").Change("ParentChildCommunication");
        page.Find("[data-test=course-grades] [data-grade='7']").Change(true);
        page.Find("[data-test=course-grades] [data-grade='8']").Change(true);
        page.Find("[data-test=lesson-title-0]").Change("倾听孩子");
        page.Find("[data-test=lesson-minutes-0]").Change("15");
        page.Find("[data-test=lesson-text-0]").Change("先听完，再回应。");
        page.Find("[data-test=lesson-add]").Click();
        page.Find("[data-test=lesson-title-1]").Change("情绪的名字");
        page.Find("[data-test=lesson-videos-1]").Change("https://video.example.cn/a.mp4\n\n https://video.example.cn/b.mp4 ");
        page.Find("[data-test=course-form]").Submit();

        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, "/api/parentschool/courses"), (Sent[0].Method, Sent[0].Path));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal("County", body.GetProperty("scope").GetString());
        Assert.False(body.TryGetProperty("regionCode", out _)); // the API takes the bureau's own county
        Assert.Equal("青春期亲子沟通", body.GetProperty("title").GetString());
        Assert.Equal("ParentChildCommunication", body.GetProperty("topic").GetString());
        Assert.Equal([7, 8], body.GetProperty("targetGrades").EnumerateArray().Select(g => g.GetInt32()));
        var lessons = body.GetProperty("lessons").EnumerateArray().ToList();
        Assert.Equal(2, lessons.Count);
        Assert.Equal(("倾听孩子", 15, "先听完，再回应。"), (lessons[0].GetProperty("title").GetString(), lessons[0].GetProperty("durationMinutes").GetInt32(),
            lessons[0].GetProperty("text").GetString()));
        Assert.Equal(JsonValueKind.Null, lessons[1].GetProperty("text").ValueKind);
        Assert.Equal(["https://video.example.cn/a.mp4", "https://video.example.cn/b.mp4"],
            lessons[1].GetProperty("videoLinks").EnumerateArray().Select(v => v.GetString()));
        page.WaitForAssertion(() => Assert.EndsWith($"parentschool/courses/{CourseAnswers.Course}",
            Services.GetRequiredService<NavigationManager>().Uri), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_author_publishes_the_draft_revises_keeping_the_lesson_ids_and_retires_the_course()
    {
        var page = Render<Components.Pages.ParentSchoolCourse>(p => p.Add(x => x.Id, Guid.Parse(CourseAnswers.Course)));
        page.WaitForAssertion(() => page.Find("[data-test=course-publish]"), TimeSpan.FromSeconds(10));
        Assert.Contains("7 年级、8 年级", page.Find("[data-test=course-facts]").TextContent);
        Assert.NotNull(page.Find("[data-test=course-pending]"));
        Assert.Equal(2, page.FindAll("[data-test=course-lesson]").Count);

        page.Find("[data-test=course-publish]").Click();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, $"/api/parentschool/courses/{CourseAnswers.Course}/publish", "\"5\""), (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));

        // Edit the pending draft: its content is in the form, each lesson with its id.
        page.WaitForAssertion(() => page.Find("[data-test=course-edit]").Click(), TimeSpan.FromSeconds(10));
        Assert.Equal("青春期亲子沟通（修订）", page.Find("[data-test=course-title]").GetAttribute("value"));
        Assert.Equal(3, page.FindAll("[data-test=lesson]").Count);
        page.Find("[data-test=lesson-remove-2]").Click();
        page.Find("[data-test=course-title]").Change("青春期亲子沟通（第二版）");
        page.Find("[data-test=course-revise-form]").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Put, $"/api/parentschool/courses/{CourseAnswers.Course}/draft", "\"5\""), (Sent[1].Method, Sent[1].Path, Sent[1].IfMatch));
        var body = JsonDocument.Parse(Sent[1].Body).RootElement;
        Assert.Equal("青春期亲子沟通（第二版）", body.GetProperty("title").GetString());
        Assert.Equal([CourseAnswers.LessonOne, CourseAnswers.LessonTwo],
            body.GetProperty("lessons").EnumerateArray().Select(l => l.GetProperty("lessonId").GetString()));

        // Retiring asks first.
        page.WaitForAssertion(() => page.Find("[data-test=course-retire]").Click(), TimeSpan.FromSeconds(10));
        Assert.Equal(2, Sent.Count);
        page.Find("[data-test=course-retire-yes]").Click();
        page.WaitForAssertion(() => Assert.Equal(3, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/parentschool/courses/{CourseAnswers.Course}/retire", "\"5\""), (Sent[2].Path, Sent[2].IfMatch));
    }
}

/// <summary>
/// 资源库: the county's bureau publishes a guide for its county's parents (no grades: every grade) and retires its own
/// item after a confirmation, with the row's revision as If-Match; the province's item is not its to retire.
/// </summary>
public sealed class LibraryAuthoringTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => CourseAnswers.For(request);

    [Fact]
    public void The_county_publishes_a_guide_and_retires_its_own_item()
    {
        var page = Render<Components.Pages.ParentSchool>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=library-row]").Count), TimeSpan.FromSeconds(10));
        Assert.Single(page.FindAll("[data-test=library-retire]")); // the county's own, not the province's
        Assert.Contains("全部 All", page.Find($"[data-test=library-row][data-item='{CourseAnswers.CountyItem}']").ParentElement!.TextContent);

        page.Find("[data-test=library-kind]").Change("Guide");
        page.Find("[data-test=library-topic]").Change("Safety");
        page.Find("[data-test=library-title]").Change("冬季防一氧化碳中毒");
        page.Find("[data-test=library-grades] [data-grade='3']").Change(true);
        page.Find("[data-test=library-summary]").Change("取暖时开窗通风");
        page.Find("[data-test=library-body]").Change("一、不在密闭房间用炭火取暖。");
        page.Find("[data-test=library-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, "/api/parentschool/library"), (Sent[0].Method, Sent[0].Path));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(("Guide", "Safety", "County", "冬季防一氧化碳中毒"), (body.GetProperty("kind").GetString(), body.GetProperty("topic").GetString(),
            body.GetProperty("scope").GetString(), body.GetProperty("title").GetString()));
        Assert.Equal([3], body.GetProperty("targetGrades").EnumerateArray().Select(g => g.GetInt32()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("link").ValueKind);
        Assert.False(body.TryGetProperty("regionCode", out _)); // the bureau's own county

        page.Find("[data-test=library-retire]").Click();
        Assert.Single(Sent); // asks first
        page.Find("[data-test=library-retire-yes]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/parentschool/library/{CourseAnswers.CountyItem}/retire", "\"4\""), (Sent[1].Path, Sent[1].IfMatch));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=library-retire-confirm]")), TimeSpan.FromSeconds(10));
    }
}

/// <summary>A lesson the API refuses: its reason stands beside that lesson's field, and the draft stays as typed.</summary>
public sealed class CourseAuthoringRefusalTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => CourseAnswers.For(request);

    protected override string RefusesPosts => """{"title":"输入有误 / Invalid input","status":400,"errors":{"lessons[1].text":["须有文字或视频 / needs text or a video"]}}""";

    [Fact]
    public void A_lesson_without_text_or_video_is_named_beside_its_field()
    {
        var page = Render<Components.Pages.ParentSchool>();
        page.WaitForAssertion(() => page.Find("[data-test=course-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=course-title]").Change("防溺水");
        page.Find("[data-test=lesson-add]").Click();
        page.Find("[data-test=lesson-title-1]").Change("第二节");
        page.Find("[data-test=course-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("须有文字或视频",
            page.Find("[data-test=lesson][data-index='1'] [data-field='lessons[1].text']").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("第二节", page.Find("[data-test=lesson-title-1]").GetAttribute("value"));
        Assert.Equal("防溺水", page.Find("[data-test=course-title]").GetAttribute("value"));
    }
}

/// <summary>The province's bureau drafts for the province, or for one county whose code it gives.</summary>
public sealed class CourseAuthoringProvinceTests() : CannedGateway("ProvinceAdmin", new Claim(ConsoleClaims.Region, "51"))
{
    protected override string Answer(HttpRequestMessage request) => CourseAnswers.For(request);

    [Fact]
    public void The_province_chooses_the_province_or_a_county_by_its_code()
    {
        var page = Render<Components.Pages.ParentSchool>();
        page.WaitForAssertion(() => page.Find("[data-test=course-form]"), TimeSpan.FromSeconds(10));
        Assert.Equal(["Province", "County"], page.FindAll("[data-test=course-scope] option").Select(o => o.GetAttribute("value")));
        Assert.Empty(page.FindAll("[data-test=course-county]"));
        page.Find("[data-test=course-scope]").Change("County");
        page.Find("[data-test=course-county]").Change("513401");
        page.Find("[data-test=course-title]").Change("防溺水");
        page.Find("[data-test=course-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(("County", "513401"), (body.GetProperty("scope").GetString(), body.GetProperty("regionCode").GetString()));
    }
}

/// <summary>A teacher reads a county's course and changes nothing: only its authors are offered the actions.</summary>
public sealed class CourseReaderTests() : CannedGateway("Teacher", new Claim(ConsoleClaims.SchoolId, "01a244a1-47fc-7b88-92d5-a1fc48d78113"))
{
    protected override string Answer(HttpRequestMessage request) => CourseAnswers.For(request);

    [Fact]
    public void A_teacher_reads_a_county_course_without_its_authors_actions()
    {
        var page = Render<Components.Pages.ParentSchoolCourse>(p => p.Add(x => x.Id, Guid.Parse(CourseAnswers.Course)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=course-lesson]").Count), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=course-actions]"));
        // A teacher drafts for their own school only.
        var list = Render<Components.Pages.ParentSchool>();
        list.WaitForAssertion(() => Assert.Equal(["School"], list.FindAll("[data-test=course-scope] option").Select(o => o.GetAttribute("value"))),
            TimeSpan.FromSeconds(10));
    }
}

/// <summary>ParentSchool's answers, in its own shapes.</summary>
internal static class CourseAnswers
{
    public const string Course = "01a244d0-1111-7000-8000-000000000001";
    public const string LessonOne = "01a244d0-2222-7000-8000-000000000001";
    public const string LessonTwo = "01a244d0-2222-7000-8000-000000000002";

    private const string CourseJson = $$"""
        {"id":"{{Course}}","title":"青春期亲子沟通","topic":"ParentChildCommunication","targetGrades":[7,8],"scope":"County","regionCode":"510104",
         "schoolId":null,"status":"Published","publishedVersion":1,
         "lessons":[{"lessonId":"{{LessonOne}}","title":"倾听孩子","durationMinutes":15,"text":"先听完，再回应。","videoLinks":[]},
                    {"lessonId":"{{LessonTwo}}","title":"情绪的名字","durationMinutes":10,"text":"","videoLinks":["https://video.example.cn/a.mp4"]}],
         "totalMinutes":25,
         "draft":{"title":"青春期亲子沟通（修订）","topic":"ParentChildCommunication","targetGrades":[7,8],
                  "lessons":[{"lessonId":"{{LessonOne}}","title":"倾听孩子","durationMinutes":15,"text":"先听完，再回应。","videoLinks":[]},
                             {"lessonId":"{{LessonTwo}}","title":"情绪的名字","durationMinutes":10,"text":"","videoLinks":["https://video.example.cn/a.mp4"]},
                             {"lessonId":"01a244d0-2222-7000-8000-000000000003","title":"约定手机时间","durationMinutes":12,"text":"一起定规则。","videoLinks":[]}]},
         "author":"county-officer","updatedAt":"2026-12-01T02:00:00+00:00"}
        """;

    public const string CountyItem = "01a244d0-3333-7000-8000-000000000001";
    public const string ProvinceItem = "01a244d0-3333-7000-8000-000000000002";

    private const string CountyItemJson = $$"""
        {"id":"{{CountyItem}}","kind":"Guide","title":"寒假居家安全指南","topic":"Safety","targetGrades":[],"scope":"County","regionCode":"510104",
         "schoolId":null,"summary":"用火、用电、防溺水","body":"一、用火……","link":null,"author":"county-officer","status":"Published",
         "publishedAt":"2026-12-01T02:00:00+00:00","retiredAt":null,"version":4}
        """;

    private const string ProvinceItemJson = $$"""
        {"id":"{{ProvinceItem}}","kind":"Video","title":"如何与青春期孩子沟通","topic":"ParentChildCommunication","targetGrades":[7,8,9],"scope":"Province",
         "regionCode":"51","schoolId":null,"summary":"省家庭教育指导中心","body":null,"link":"https://video.example.cn/p.mp4","author":"province",
         "status":"Published","publishedAt":"2026-11-20T02:00:00+00:00","retiredAt":null,"version":1}
        """;

    public static string For(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/parentschool/library" when request.Method == HttpMethod.Post => CountyItemJson,
        "/api/parentschool/library" => $"[{CountyItemJson},{ProvinceItemJson}]",
        $"/api/parentschool/library/{CountyItem}/retire" => CountyItemJson,
        "/api/parentschool/courses" when request.Method == HttpMethod.Post => CourseJson,
        "/api/parentschool/courses" => $"[{CourseJson}]",
        "/api/parentschool/figures" => "[]",
        $"/api/parentschool/courses/{Course}" => CourseJson,
        $"/api/parentschool/courses/{Course}/draft" or $"/api/parentschool/courses/{Course}/publish" or $"/api/parentschool/courses/{Course}/retire" => CourseJson,
        _ => throw new InvalidOperationException($"no canned answer for {request.Method} {request.RequestUri}"),
    };
}
