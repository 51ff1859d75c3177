using System.Net;
using System.Text.Json;
using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;
using Xunit;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>The steps the programme tests take: a provider as Alliances announces it, a programme through the gateway.</summary>
internal static class ProgrammeDrive
{
    /// <summary>A member unit that joined an alliance and offers a resource there, known to Activities once this returns.</summary>
    public sealed record Provider(Guid UnitId, Guid AllianceId, Guid ResourceId);

    public static async Task<Provider> MemberProvider(this ActivitiesSystem system, string county, int capacity = 200,
        string name = "锦江区体育中心")
    {
        var (unit, alliance, resource) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new MemberUnitRegistered(unit, MemberUnitKinds.SportsVenue, name, county, now));
        await system.PublishAsync(new MemberJoined(alliance, unit, MemberUnitKinds.SportsVenue, county, "Member", now));
        await system.PublishAsync(new ResourcePublished(resource, alliance, unit, "Venue", $"{name}篮球馆", [Pairings.SportEducation],
            capacity, county, now));
        await system.Known<KnownUnit>(unit);
        await system.Known<KnownResource>(resource);
        var membership = await Eventually.Until(async () =>
        {
            await using var session = system.Store.QuerySession();
            return await session.LoadAsync<KnownMembership>(KnownMembership.IdOf(alliance, unit));
        }, m => m is { Active: true });
        Assert.True(membership is { Active: true }, "the membership did not arrive");
        return new Provider(unit, alliance, resource);
    }

    /// <summary>The current term, as the service reckons it (China time).</summary>
    public static string Term(this ActivitiesSystem system) => Terms.Of(Terms.Today(system.Clock.GetUtcNow()));

    /// <summary>The latest day on or before today (China time) that is a Monday-to-Friday session day in the term.</summary>
    public static DateOnly LastSchoolDay(this ActivitiesSystem system)
    {
        var (first, _) = Terms.Range(system.Term());
        var day = Terms.Today(system.Clock.GetUtcNow());
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }
        Assert.True(day >= first, "the tests need a school day of the current term on or before today");
        return day;
    }

    public static object Body(string term, Provider? provider = null, int places = 30, string title = "篮球兴趣班",
        string[]? dimensions = null, Guid? baseId = null) => new
    {
        term, title, weekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" },
        startTime = "15:30", endTime = "17:00", places,
        providerKind = provider is null ? "SchoolStaff" : "MemberUnit", resourceId = provider?.ResourceId,
        providerName = provider is null ? "本校体育组" : null, dimensions = dimensions ?? ["Physical"], baseId,
    };

    public static async Task<(Guid Id, string ETag)> Create(HttpClient staff, object body)
    {
        var response = await staff.Post("/api/activities/programmes", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.ReadJson()).Id(), response.ETag());
    }

    public static async Task<Guid> CreateAndOpen(HttpClient staff, object body)
    {
        var (id, etag) = await Create(staff, body);
        var opened = await staff.Post($"/api/activities/programmes/{id}/open", new { }, etag);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("Open", (await opened.ReadJson()).Str("status"));
        return id;
    }

    public static object Pupil(Guid studentId, string name = "小明") => new { studentId, displayName = name, className = "三年级一班" };

    public static async Task<JsonElement> Programme(HttpClient client, Guid id) =>
        await (await client.GetAsync($"/api/activities/programmes/{id}")).ReadJson();

    /// <summary>Enrols a new child with their own parent; returns the child and the answer.</summary>
    public static async Task<(Guid Child, JsonElement Answer)> Enrol(ActivitiesSystem system, string county, Guid school, Guid programme)
    {
        var child = Guid.NewGuid();
        using var parent = system.Parent(county, school, child);
        var response = await parent.Post($"/api/activities/programmes/{programme}/enrolments", Pupil(child));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (child, await response.ReadJson());
    }
}
