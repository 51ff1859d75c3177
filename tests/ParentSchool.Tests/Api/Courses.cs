using System.Net;
using System.Text.Json;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>Course fixtures through the public API, as a client would make them.</summary>
internal static class Courses
{
    public static object Lesson(string title, Guid? id = null) => new
    {
        lessonId = id, title, durationMinutes = 12, text = $"## {title}\n\n内容 / content", videoLinks = new[] { "https://video.example.cn/v/1" },
    };

    public static object Body(string scope, string? regionCode, string topic = "PhoneUse", string title = "手机管理微课 Phone use",
        int[]? grades = null, int lessons = 2, Guid? schoolId = null) => new
    {
        title, topic, targetGrades = grades ?? [3, 4], scope, regionCode, schoolId,
        lessons = Enumerable.Range(1, lessons).Select(i => Lesson($"第{i}课 Lesson {i}")).ToArray(),
    };

    /// <summary>Drafts and publishes; returns the course as published and its ETag.</summary>
    public static async Task<(Guid Id, string ETag, JsonElement Course)> Published(HttpClient author, object body)
    {
        var drafted = await author.Post("/api/parentschool/courses", body);
        var draft = await drafted.ReadJson();
        Assert.True(drafted.StatusCode == HttpStatusCode.Created, draft.ToString());
        var id = draft.GetProperty("id").GetGuid();
        var published = await author.Post($"/api/parentschool/courses/{id}/publish", null, drafted.ETag());
        var course = await published.ReadJson();
        Assert.True(published.StatusCode == HttpStatusCode.OK, course.ToString());
        return (id, published.ETag(), course);
    }

    public static Guid[] LessonIds(JsonElement course) =>
        course.GetProperty("lessons").EnumerateArray().Select(l => l.GetProperty("lessonId").GetGuid()).ToArray();
}
