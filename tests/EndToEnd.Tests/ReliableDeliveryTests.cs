using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using AllianceEstablished = JiaoLianTi.Alliances.Contracts.AllianceEstablished;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// docs/design.md 4-6 against the real broker: nothing acknowledged is lost, nothing is applied twice.
/// Each test works in a county of its own, so that it can count exactly.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ReliableDeliveryTests(EndToEndSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Messages_published_while_the_consumer_is_stopped_are_applied_once_when_it_returns()
    {
        const string jinniu = "510106";
        using var admin = system.Client(Role.CountyAdmin, jinniu);

        await system.StopServiceAsync("activities");
        var created = new List<Guid>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                created.Add(await Establish(admin, jinniu, $"金牛区教联体 {i}"));
            }
        }
        finally
        {
            system.StartService("activities");
        }

        var known = await KnownIn(admin, jinniu, expected: created.Count);
        Assert.Equal(created.Order(), known.Order());
        await QueueDrained();
        Assert.Equal(created.Order(), (await KnownIn(admin, jinniu, expected: created.Count)).Order());
    }

    [Fact]
    public async Task A_message_delivered_twice_is_applied_once()
    {
        const string wuhou = "510107";
        var bus = system.Services("alliances").GetRequiredService<IBus>();
        var allianceId = Guid.NewGuid();
        var messageId = NewId.NextGuid();

        // The same message (same MessageId) twice, the second once the first is applied (a redelivery after a lost
        // acknowledgement): it carries another name, so applying it would show. Published together, the two would
        // race and either could be the one applied, which says nothing about the name.
        await bus.Publish(new AllianceEstablished(allianceId, "第一次 first", "Regional", wuhou, "武侯区教育局", DateTimeOffset.UtcNow),
            context => context.MessageId = messageId);
        using var admin = system.Client(Role.CountyAdmin, wuhou);
        await KnownIn(admin, wuhou, expected: 1);
        await bus.Publish(new AllianceEstablished(allianceId, "第二次 second", "Regional", wuhou, "武侯区教育局", DateTimeOffset.UtcNow),
            context => context.MessageId = messageId);
        await QueueDrained();
        var page = await (await admin.GetAsync("/api/activities/alliances")).ReadJson();
        var alliance = Assert.Single(EstablishAllianceTests.Items(page));
        Assert.Equal(allianceId, alliance.GetProperty("id").GetGuid());
        Assert.Equal("第一次 first", alliance.GetProperty("name").GetString());
    }

    [Fact]
    public async Task While_a_services_database_is_unreachable_commands_get_503_with_Retry_After_and_nothing_is_stored()
    {
        const string dujiangyan = "510181"; // 成都市都江堰市
        using var admin = system.Client(Role.CountyAdmin, dujiangyan);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(system.Setting("ConnectionStrings:alliancesdb"));
        await using var relay = new TcpRelay(database.Host!, database.Port);
        database.Port = relay.Port;
        await system.StopServiceAsync("alliances");
        system.StartService("alliances", new Dictionary<string, string> { ["ConnectionStrings:alliancesdb"] = database.ConnectionString });
        try
        {
            object Unit(string name) => new { kind = "School", name, countyCode = dujiangyan };
            var before = await admin.Post("/api/alliances/units", Unit("都江堰市断库前学校"));
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);

            relay.Cut();
            for (var i = 0; i < 3; i++)
            {
                var refused = await admin.Post("/api/alliances/units", Unit($"都江堰市断库时学校 {i}"));
                var problem = await Unavailable(refused);
                Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
                Assert.Contains("retry after 5 s", problem.GetProperty("detail").GetString());
            }
            await Unavailable(await admin.GetAsync($"/api/alliances/units?county={dujiangyan}"));

            relay.Restore();
            var after = await Eventually.Until(
                () => admin.Post("/api/alliances/units", Unit("都江堰市恢复后学校")), r => r.StatusCode == HttpStatusCode.Created, Patience);
            Assert.Equal(HttpStatusCode.Created, after.StatusCode);
            var names = (await (await admin.GetAsync($"/api/alliances/units?county={dujiangyan}&pageSize=100")).ReadJson())
                .GetProperty("items").EnumerateArray().Select(u => u.GetProperty("name").GetString()).Order().ToList();
            Assert.Equal(["都江堰市恢复后学校", "都江堰市断库前学校"], names);
        }
        finally
        {
            await system.StopServiceAsync("alliances");
            system.StartService("alliances");
        }
    }

    [Fact]
    public async Task A_hundred_concurrent_changes_with_the_same_If_Match_one_succeeds_and_99_get_412()
    {
        const string pujiang = "510131"; // 成都市蒲江县
        using var admin = system.Client(Role.CountyAdmin, pujiang);
        var created = await admin.Post("/api/alliances", new { name = "蒲江县教联体", kind = "Regional", countyCode = pujiang, leadUnit = "蒲江县教育局" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var path = created.Headers.Location!.ToString();
        var etag = created.Headers.ETag!.Tag;

        // A 503 "服务繁忙" (past the capacity, on a loaded machine) changed nothing: the change is sent again with the
        // same If-Match, as a client would, and still only one of the hundred may win.
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => admin.SendUntilServed(() =>
            Http.Request(HttpMethod.Put, $"{path}/charter", new { charter = $"章程第 {i} 稿 / Charter draft {i}" }, etag))));

        var statuses = answers.GroupBy(a => a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.OK) == 1 && statuses.GetValueOrDefault(HttpStatusCode.PreconditionFailed) == 99,
            string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}")));
        var winner = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).ReadJson();
        var read = await admin.GetAsync(path);
        Assert.Equal(winner.GetProperty("charter").GetString(), (await read.ReadJson()).GetProperty("charter").GetString());
        Assert.NotEqual(etag, read.Headers.ETag!.Tag);
    }

    private static async Task<System.Text.Json.JsonElement> Unavailable(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Contains("/", problem.GetProperty("title").GetString()); // 中文 / English
        return problem;
    }

    [Fact]
    public async Task Events_appended_while_the_broker_is_down_all_arrive_after_it_returns()
    {
        const string chenghua = "510108";
        using var admin = system.Client(Role.CountyAdmin, chenghua);

        await system.Servers.StopBrokerAsync();
        var created = new List<Guid>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                created.Add(await Establish(admin, chenghua, $"成华区教联体 {i}"));
            }
        }
        finally
        {
            await system.Servers.StartBrokerAsync();
        }

        var known = await KnownIn(admin, chenghua, expected: created.Count);
        Assert.Equal(created.Order(), known.Order());
    }

    /// <summary>
    /// A school alliance, each led by a school of its own: a county has one regional alliance at a time (issue 12),
    /// and these tests need many alliances in one county.
    /// </summary>
    private static async Task<Guid> Establish(HttpClient admin, string county, string name)
    {
        var school = await admin.Post("/api/alliances/units",
            new { kind = "School", name = $"{name} 学校", countyCode = county, contactOfficer = "王老师", contactPhone = "028-86000000" });
        Assert.Equal(HttpStatusCode.Created, school.StatusCode);
        var response = await admin.Post("/api/alliances", new
        {
            name, kind = "School", countyCode = county, leadUnit = $"{name} 学校",
            leadUnitId = (await school.ReadJson()).GetProperty("id").GetGuid(),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJson()).GetProperty("id").GetGuid();
    }

    private static async Task<List<Guid>> KnownIn(HttpClient client, string county, int expected)
    {
        var ids = await Eventually.Until(async () =>
        {
            var response = await client.GetAsync("/api/activities/alliances?pageSize=500");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return [];
            }
            return EstablishAllianceTests.Items(await response.ReadJson())
                .Where(a => a.GetProperty("countyCode").GetString() == county)
                .Select(a => a.GetProperty("id").GetGuid())
                .ToList();
        }, found => found.Count >= expected, Patience);
        Assert.Equal(expected, ids.Count);
        return ids;
    }

    /// <summary>Waits until Activities' queue holds no message, ready or unacknowledged.</summary>
    private async Task QueueDrained()
    {
        var listing = await Eventually.Until(
            () => system.Servers.BrokerCommandAsync("list_queues", "-p", system.Id, "--quiet", "--no-table-headers", "name", "messages"),
            text => text.Split('\n').Any(line => line.Split('\t', ' ') is ["activities", .., "0"]),
            Patience);
        Assert.Contains(listing.Split('\n'), line => line.Split('\t', ' ') is ["activities", .., "0"]);
    }
}
