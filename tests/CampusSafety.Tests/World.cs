using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests;

/// <summary>A school, its alliance and the police, traffic police and market regulator units serving it.</summary>
public sealed record SchoolWorld(
    string County, Guid SchoolId, Guid AllianceId, Guid PoliceStation, Guid TrafficPolice, Guid MarketRegulator);

/// <summary>
/// Builds the world a test needs by publishing Alliances' contracts on the real broker, as Alliances would (its
/// producer is being built at the same time), and waits until CampusSafety has them in its own read model.
/// Every call makes a county of its own, so tests never see each other's data.
/// </summary>
public static class World
{
    private static int counter = Random.Shared.Next(1000, 9000);

    public static string NewCounty() => "51" + (Interlocked.Increment(ref counter) % 9000 + 1000).ToString("D4");

    public static async Task<SchoolWorld> SchoolWithAlliance(this CampusSafetySystem system, string? county = null, bool withUnits = true)
    {
        county ??= NewCounty();
        var now = DateTimeOffset.UtcNow;
        var world = new SchoolWorld(county, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await system.PublishAsync(new MemberUnitRegistered(world.SchoolId, MemberUnitKinds.School, "实验小学", county, now));
        await system.PublishAsync(new AllianceEstablished(world.AllianceId, "校级教联体", "School", county, "实验小学", now, world.SchoolId));
        await system.PublishAsync(new MemberJoined(world.AllianceId, world.SchoolId, MemberUnitKinds.School, county, "Lead", now));
        if (withUnits)
        {
            foreach (var (id, kind, name) in new[]
            {
                (world.PoliceStation, MemberUnitKinds.PoliceStation, "派出所"),
                (world.TrafficPolice, MemberUnitKinds.TrafficPolice, "交警大队"),
                (world.MarketRegulator, MemberUnitKinds.MarketRegulator, "市场监管所"),
            })
            {
                await system.PublishAsync(new MemberUnitRegistered(id, kind, name, county, now));
                await system.PublishAsync(new MemberJoined(world.AllianceId, id, kind, county, "Member", now.AddSeconds(1)));
            }
        }
        await system.SchoolKnown(world, withUnits ? 3 : 0);
        return world;
    }

    /// <summary>Waits until CampusSafety knows the school and the given number of units serving it.</summary>
    public static async Task SchoolKnown(this CampusSafetySystem system, SchoolWorld world, int units)
    {
        using var admin = system.CountyAdmin(world);
        var path = $"/api/campussafety/schools/{world.SchoolId}/units";
        var response = await Eventually.Until(async () =>
            {
                var r = await admin.GetAsync(path);
                return (r.StatusCode, r.StatusCode == HttpStatusCode.OK ? (await r.ReadJson()).GetArrayLength() : -1);
            },
            r => r.StatusCode == HttpStatusCode.OK && r.Item2 == units);
        Assert.Equal((HttpStatusCode.OK, units), response);
    }

    public static HttpClient CountyAdmin(this CampusSafetySystem system, SchoolWorld world) =>
        system.Client(Role.CountyAdmin, world.County);

    public static HttpClient SchoolAdmin(this CampusSafetySystem system, SchoolWorld world, string? subject = null) =>
        system.Client(new TokenRequest(Role.SchoolAdmin, world.County, world.SchoolId, null, Subject: subject ?? $"admin-{Guid.NewGuid():N}"));

    public static HttpClient Staff(this CampusSafetySystem system, SchoolWorld world, Role role, string? subject = null) =>
        system.Client(new TokenRequest(role, world.County, world.SchoolId, null, Subject: subject ?? $"{role}-{Guid.NewGuid():N}"));

    public static HttpClient Officer(this CampusSafetySystem system, SchoolWorld world, Guid unitId, string? subject = null) =>
        system.Client(new TokenRequest(Role.MemberOfficer, world.County, null, unitId, Subject: subject ?? $"officer-{Guid.NewGuid():N}"));
}
