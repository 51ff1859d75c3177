using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// One running system for every API test of this project, with Alliances on a controlled clock. The clock only moves
/// forward (FakeTimeProvider), so tests use dates relative to <see cref="Now"/>, and each test takes counties of its
/// own from <see cref="NextCounty"/> so that figures never collide.
/// </summary>
public sealed class AlliancesSystem : TestSystem
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 3, 1, 0, 0, TimeSpan.Zero));

    /// <summary>Reminders go this many days before a deadline here (the default is 3: the setting is read).</summary>
    public const int ReminderDaysBefore = 2;

    public AlliancesSystem()
    {
        Configure("alliances", s => s.AddSingleton<TimeProvider>(Clock));
        WithSetting("Alliances:Responsibilities:ReminderDaysBefore", ReminderDaysBefore.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>China's date today, by the controlled clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Now.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static readonly string[] Sichuan = Divisions.Load().CountiesIn("51").Select(c => c.Code).Order().ToArray();
    private static int next = -1;

    /// <summary>A Sichuan county no other test of this run uses.</summary>
    public static string NextCounty() => Sichuan[Interlocked.Increment(ref next)];
}

[CollectionDefinition(Name)]
public sealed class AlliancesCollection : ICollectionFixture<AlliancesSystem>
{
    public const string Name = "alliances";
}

/// <summary>The steps most tests need, through the gateway, asserting each one worked.</summary>
public static class Steps
{
    public static async Task<JsonElement> Ok(this Task<HttpResponseMessage> call, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        var response = await call;
        var body = await response.ReadJson();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task<string> Etag(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return response.ETag();
    }

    public static HttpClient County(this TestSystem system, string county) => system.Client(Role.CountyAdmin, county);

    public static async Task<Guid> Unit(this HttpClient admin, string county, string kind, string? name = null) =>
        (await admin.Post("/api/alliances/units", new
        {
            kind, name = name ?? $"{kind} {Guid.NewGuid():N}"[..20], countyCode = county, contactOfficer = "王老师",
            contactPhone = "028-86000000",
        }).Ok(System.Net.HttpStatusCode.Created)).Id();

    public static async Task<Guid> Regional(this HttpClient admin, string county, string? status = null) =>
        (await admin.Post("/api/alliances", new
        {
            name = $"{county} 区域教联体", kind = "Regional", countyCode = county, leadUnit = $"{county} 教育局", status,
        }).Ok(System.Net.HttpStatusCode.Created)).Id();

    public static async Task Join(this HttpClient admin, Guid alliance, Guid unit, string role = "Member")
    {
        var etag = await admin.Etag($"/api/alliances/{alliance}");
        await admin.Post($"/api/alliances/{alliance}/members", new { unitId = unit, role }, etag).Ok(System.Net.HttpStatusCode.Created);
    }

    public static async Task<JsonElement> Do(this HttpClient client, string path, string etagOf, object? body = null)
    {
        var etag = await client.Etag(etagOf);
        return await client.Post(path, body, etag).Ok();
    }

    /// <summary>A county with an established regional alliance, a school and a police station as members.</summary>
    public static async Task<World> World(this AlliancesSystem system)
    {
        var county = AlliancesSystem.NextCounty();
        var admin = system.County(county);
        var alliance = await admin.Regional(county);
        var school = await admin.Unit(county, "School");
        var police = await admin.Unit(county, "PoliceStation");
        await admin.Join(alliance, school);
        await admin.Join(alliance, police);
        return new World(county, admin, alliance, school, police,
            system.Client(Role.SchoolAdmin, county, schoolId: school),
            system.Client(Role.MemberOfficer, county, memberUnitId: police));
    }
}

public sealed record World(
    string County, HttpClient Admin, Guid Alliance, Guid School, Guid Police, HttpClient SchoolAdmin, HttpClient Officer);
