using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests;

/// <summary>What the tests do as a department, a bureau and a departmental system.</summary>
public static class Subscribers
{
    // Sichuan's real counties (Alliances registers units only in a county that exists), but for the two the police test uses.
    private static readonly string[] Counties = [.. Alliances.Regions.Divisions.Load().CountiesIn("51")
        .Select(d => d.Code).Where(c => c is not ("510104" or "510105")).OrderBy(_ => Random.Shared.Next())];
    private static int counter = -1;

    /// <summary>A county of its own for one test, so tests never see each other's events.</summary>
    public static string NewCounty() => Counties[Interlocked.Increment(ref counter) % Counties.Length];

    public static async Task<JsonElement> Request(this HttpClient officer, object body)
    {
        var response = await officer.PostAsJsonAsync("/api/subscriptions", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJson();
    }

    /// <summary>Approves what is pending (with a legal basis) and returns the subscription as it now is.</summary>
    public static async Task<JsonElement> Approve(this HttpClient admin, Guid id, string? legalBasis = "《未成年人保护法》第三十五条 / Minors Protection Law, art. 35")
    {
        var read = await admin.GetAsync($"/api/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var response = await admin.Post($"/api/subscriptions/{id}/approve", new { legalBasis }, read.ETag());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJson();
    }

    /// <summary>Posts a command to a subscription with the ETag just read.</summary>
    public static async Task<HttpResponseMessage> Command(this HttpClient client, Guid id, string command, object? body = null)
    {
        var read = await client.GetAsync($"/api/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return await client.Post($"/api/subscriptions/{id}/{command}", body ?? new { }, read.ETag());
    }

    /// <summary>Waits until the broker reflects the subscription at <paramref name="version"/> or later.</summary>
    public static async Task<JsonElement> Provisioned(this HttpClient client, Guid id, long version)
    {
        var found = await Eventually.Until(async () => await (await client.GetAsync($"/api/subscriptions/{id}")).ReadJson(),
            s => s.TryGetProperty("broker", out var b) && b.ValueKind == JsonValueKind.Object && b.GetProperty("version").GetInt64() >= version);
        Assert.True(found.GetProperty("broker").ValueKind == JsonValueKind.Object, $"the broker was not provisioned: {found}");
        return found;
    }

    public static async Task<JsonElement> Credentials(this HttpClient officer, Guid id)
    {
        var response = await officer.PostAsync($"/api/subscriptions/{id}/credentials", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJson();
    }

    /// <summary>A connection as the subscription's own broker user, as its departmental system would open it.</summary>
    public static Task<IConnection> Connect(JsonElement credentials) => new ConnectionFactory
    {
        HostName = credentials.Str("host"), Port = credentials.GetProperty("port").GetInt32(),
        VirtualHost = credentials.Str("virtualHost"), UserName = credentials.Str("username"), Password = credentials.Str("password"),
        AutomaticRecoveryEnabled = false,
    }.CreateConnectionAsync();

    /// <summary>Reads (and acknowledges) the next message of a queue, waiting for it; null if none came.</summary>
    public static async Task<JsonElement?> Next(this IChannel channel, string queue, TimeSpan? within = null)
    {
        var got = await Eventually.Until(() => channel.BasicGetAsync(queue, autoAck: true), r => r is not null, within);
        return got is null ? null : JsonDocument.Parse(got.Body).RootElement.Clone();
    }

    /// <summary>A county admin registers a community committee through the gateway (MemberUnitRegistered).</summary>
    public static async Task<Guid> RegisterUnit(this SubscriptionsSystem system, string county, string name)
    {
        using var admin = system.Admin(county);
        var response = await admin.PostAsJsonAsync("/api/alliances/units",
            new { kind = "CommunityCommittee", name, countyCode = county, contactOfficer = "王主任", contactPhone = "028-86000000" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJson()).Id();
    }

    /// <summary>A webhook subscription's delivery log.</summary>
    public static async Task<IReadOnlyList<JsonElement>> Deliveries(this HttpClient officer, Guid id) =>
        (await (await officer.GetAsync($"/api/subscriptions/{id}/deliveries")).ReadJson()).Items();

    /// <summary>A school in <paramref name="county"/> with its alliance and a police station serving it, known to CampusSafety.</summary>
    public static async Task<(Guid School, Guid Police)> SchoolWithPolice(this SubscriptionsSystem system, string county)
    {
        var now = DateTimeOffset.UtcNow;
        var (school, alliance, police) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await system.PublishAsync(new MemberUnitRegistered(school, MemberUnitKinds.School, "实验小学", county, now));
        await system.PublishAsync(new AllianceEstablished(alliance, "校级教联体", "School", county, "实验小学", now, school));
        await system.PublishAsync(new MemberJoined(alliance, school, MemberUnitKinds.School, county, "Lead", now));
        await system.PublishAsync(new MemberUnitRegistered(police, MemberUnitKinds.PoliceStation, "派出所", county, now));
        await system.PublishAsync(new MemberJoined(alliance, police, MemberUnitKinds.PoliceStation, county, "Member", now.AddSeconds(1)));
        using var admin = system.Client(Role.CountyAdmin, county);
        var units = await Eventually.Until(async () =>
            {
                var r = await admin.GetAsync($"/api/campussafety/schools/{school}/units");
                return r.StatusCode == HttpStatusCode.OK ? (await r.ReadJson()).GetArrayLength() : -1;
            }, n => n == 1);
        Assert.Equal(1, units);
        return (school, police);
    }

    /// <summary>The school reports a security hazard: CampusSafety assigns it to the police station (HazardAssigned).</summary>
    public static async Task<Guid> ReportSecurityHazard(this SubscriptionsSystem system, string county, Guid school)
    {
        using var schoolAdmin = system.Client(new TokenRequest(Role.SchoolAdmin, county, school, null, Subject: $"admin-{Guid.NewGuid():N}"));
        var response = await schoolAdmin.PostAsJsonAsync("/api/campussafety/reports",
            new { schoolId = school, kind = "Security", description = "校门口有可疑人员徘徊", location = "南门" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = await response.ReadJson();
        Assert.Equal("Assigned", report.Str("status"));
        return report.Id();
    }
}
