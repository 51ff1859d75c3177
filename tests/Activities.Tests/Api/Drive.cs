using System.Net;
using System.Text.Json;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>The steps many tests take through the gateway, each asserting that it worked.</summary>
internal static class Drive
{
    public const string Jinjiang = "510104";
    public const string Qingyang = "510105";

    public static object ActivityBody(
        string kind = "Lecture", int seats = 30, Guid? resourceId = null, DateTimeOffset? startsAt = null,
        int minAge = 6, int maxAge = 18, string? title = "院士讲座：航天与梦想", bool? offCampus = null) =>
        new
        {
            kind, title, location = "学校报告厅", offCampus,
            startsAt = startsAt ?? DateTimeOffset.UtcNow.AddDays(30),
            endsAt = (startsAt ?? DateTimeOffset.UtcNow.AddDays(30)).AddHours(3),
            seats, minAge, maxAge, resourceId, topics = new[] { "VenueSchool" },
        };

    public static async Task<(Guid Id, string ETag)> Draft(HttpClient staff, object body)
    {
        var response = await staff.Post("/api/activities", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.ReadJson()).GetProperty("id").GetGuid(), response.ETag()!);
    }

    /// <summary>Drafts and opens an on-campus activity (no safety plan needed).</summary>
    public static async Task<Guid> OpenLecture(HttpClient staff, int seats = 30, int minAge = 6, int maxAge = 18,
        DateTimeOffset? startsAt = null, string kind = "Lecture")
    {
        var (id, etag) = await Draft(staff, ActivityBody(kind: kind, seats: seats, minAge: minAge, maxAge: maxAge, startsAt: startsAt, offCampus: false));
        var opened = await staff.Post($"/api/activities/{id}/open", new { }, etag);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("Open", (await opened.ReadJson()).Str("status"));
        return id;
    }

    /// <summary>Drafts an off-campus study trip, asks for its safety plan, and has CampusSafety approve it.</summary>
    public static async Task<Guid> OpenStudyTrip(ActivitiesSystem system, HttpClient staff, Guid resource, int seats)
    {
        var (id, etag) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: seats, resourceId: resource));
        var asked = await staff.Post($"/api/activities/{id}/open", new { arrangements = "大巴 2 辆，带队教师 10 名，购买意外险" }, etag);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("AwaitingSafetyPlan", (await asked.ReadJson()).Str("status"));
        await system.PublishAsync(new SafetyPlanApproved(id, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await Status(staff, id, "Open");
        return id;
    }

    public static async Task<JsonElement> Status(HttpClient client, Guid id, string status)
    {
        var view = await Eventually.Until(async () => await (await client.GetAsync($"/api/activities/{id}")).ReadJson(),
            v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("status", out var s) && s.GetString() == status);
        Assert.Equal(status, view.Str("status"));
        return view;
    }

    public static object Child(Guid studentId, int age = 12, bool consent = true, string name = "小明", Guid? school = null,
        string? className = "五年级二班") =>
        new
        {
            studentId, displayName = name, birthDate = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-age).AddDays(-30),
            guardianConsent = consent, schoolId = school, className,
        };

    public static async Task<JsonElement> Details(HttpClient client, Guid id) =>
        await (await client.GetAsync($"/api/activities/{id}")).ReadJson();

    public static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? fieldOrCode = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJson();
        if (fieldOrCode is null) return;
        if (status == HttpStatusCode.BadRequest)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(fieldOrCode, out _), $"errors should name {fieldOrCode}: {problem}");
        }
        else
        {
            Assert.Equal(fieldOrCode, problem.Str("code"));
        }
    }
}
