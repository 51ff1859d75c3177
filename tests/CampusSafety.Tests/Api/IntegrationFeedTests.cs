using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>
/// 集成事件回放源: the EventRelay service account reads CampusSafety's integration events from its event store, in
/// order, each once, with the ids and contents of the live messages; nobody else reads it, and the gateway does not
/// route it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IntegrationFeedTests(CampusSafetySystem system)
{
    private const string Reports = "/api/campussafety/reports";

    private static object Report(Guid schoolId, string kind) =>
        new { schoolId, kind, description = "校门口早高峰车辆违停", location = "东门 / east gate" };

    /// <summary>A client straight to CampusSafety (inside the deployment), as the Subscriptions service calls it.</summary>
    private HttpClient Direct(TokenRequest? caller)
    {
        var client = new HttpClient { BaseAddress = system.Address("campussafety") };
        if (caller is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestSystem.Token(caller));
        }
        return client;
    }

    private HttpClient Relay() => Direct(new TokenRequest(Role.EventRelay, "", Subject: "subscriptions"));

    /// <summary>Every page of the feed from <paramref name="query"/> on, <paramref name="limit"/> at a time, until it ends.</summary>
    private static async Task<List<JsonElement>> ReadAll(HttpClient relay, string query, int limit)
    {
        var items = new List<JsonElement>();
        long after = 0;
        for (var pages = 0; pages < 10_000; pages++)
        {
            var response = await relay.GetAsync($"{IntegrationFeed.Path}?after={after}&limit={limit}&{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJson();
            var got = page.Items();
            Assert.True(got.Count <= limit);
            items.AddRange(got);
            var next = page.GetProperty("next").GetInt64();
            Assert.True(next >= after);
            if (next == after)
            {
                return items;
            }
            after = next;
        }
        throw new InvalidOperationException("the feed did not end");
    }

    [Fact]
    public async Task Since_a_time_the_feed_gives_exactly_the_events_of_that_period_once_each_in_order_with_the_live_ids()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        await using var probe = await BrokerProbe.BindAsync(system, typeof(HazardReported), typeof(HazardAssigned));
        var before = await (await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Traffic))).ReadJson();
        var since = DateTimeOffset.UtcNow;
        var reports = new List<Guid>();
        foreach (var kind in new[] { HazardKinds.Traffic, HazardKinds.VendorsAndFood, HazardKinds.Security })
        {
            reports.Add((await (await admin.Post(Reports, Report(world.SchoolId, kind))).ReadJson()).Id());
        }
        var live = await probe.Until(r => reports.All(id => r.Count(d => Concerns(d.Message, id)) == 2));
        var liveOfPeriod = live.Where(d => reports.Any(id => Concerns(d.Message, id))).ToList();
        Assert.Equal(6, liveOfPeriod.Count);

        using var relay = Relay();
        var query = $"since={Uri.EscapeDataString(since.ToString("O"))}&types=HazardReported,HazardAssigned";
        // The feed reads up to the store's high-water mark, which the daemon moves just after a commit.
        var all = await Eventually.Until(() => ReadAll(relay, query, limit: 2),
            items => reports.All(id => items.Count(i => Concerns(i.GetProperty("data"), id)) == 2));
        var mine = all.Where(i => i.GetProperty("data").GetProperty("schoolId").GetGuid() == world.SchoolId).ToList();

        // Exactly the period's events (the report filed before `since` is not there), once each, in store order.
        Assert.Equal(6, mine.Count);
        Assert.DoesNotContain(mine, i => Concerns(i.GetProperty("data"), before.Id()));
        Assert.All(all, i => Assert.True(i.GetProperty("time").GetDateTimeOffset() >= since));
        Assert.All(all, i => Assert.Contains(i.Str("type"), new[] { "HazardReported", "HazardAssigned" }));
        var positions = all.Select(i => i.GetProperty("position").GetInt64()).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.Equal(all.Count, all.Select(i => i.Id()).Distinct().Count());
        foreach (var id in reports)
        {
            // Each report's stream in order: reported (version 1) before assigned.
            var ofReport = mine.Where(i => Concerns(i.GetProperty("data"), id)).ToList();
            Assert.Equal(["HazardReported", "HazardAssigned"], ofReport.Select(i => i.Str("type")));
            Assert.All(ofReport, i => Assert.Equal(id, i.GetProperty("streamId").GetGuid()));
            Assert.True(ofReport[0].GetProperty("streamVersion").GetInt64() < ofReport[1].GetProperty("streamVersion").GetInt64());
        }

        // The id of each is the live message's MessageId, and the data is the live message's contract, field by field.
        foreach (var item in mine)
        {
            var twin = Assert.Single(liveOfPeriod, d => MessageId(d) == item.Id());
            Assert.Equal(item.Str("type"), twin.Type);
            Assert.True(JsonElement.DeepEquals(twin.Message, item.GetProperty("data")),
                $"feed: {item.GetProperty("data")}\nlive: {twin.Message}");
        }

        // Without types the same period has the same hazard events (nothing of this school but these leaves CampusSafety).
        var untyped = await ReadAll(relay, $"since={Uri.EscapeDataString(since.ToString("O"))}", limit: 1000);
        Assert.Equal(mine.Select(i => i.Id()),
            untyped.Where(i => i.GetProperty("data").TryGetProperty("schoolId", out var s) && s.GetGuid() == world.SchoolId).Select(i => i.Id()));

        // From a position: after the first of the period's items, the rest and only the rest.
        var first = mine[0].GetProperty("position").GetInt64();
        var rest = (await ReadAll(relay, "types=HazardReported,HazardAssigned", limit: 1000))
            .Where(i => i.GetProperty("position").GetInt64() > first && mine.Any(m => m.Id() == i.Id())).Select(i => i.Id());
        Assert.Equal(mine.Skip(1).Select(i => i.Id()), rest);
    }

    /// <summary>
    /// A report committed while a transaction below it is still open (its position taken, not yet committed) stays
    /// above the feed's ceiling until that transaction commits: no page reads past the open position, so none skips
    /// what it will hold. The page's <c>head</c> says a report is committed above, so a replay knows to ask again; once
    /// the transaction commits the feed gives the report, without waiting for the daemon's next mark.
    /// </summary>
    [Fact]
    public async Task The_feed_stops_below_a_transaction_still_open_and_its_head_shows_what_is_committed_above_it()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        using var relay = Relay();
        var store = system.CampusSafety.GetRequiredService<IDocumentStore>();
        // A report first, and the daemon's high-water mark past it: in a store still empty (this test run alone), the
        // daemon's first mark passed a position open at 1, which the feed then read past.
        var first = (await (await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Security))).ReadJson()).Id();
        var at = (await Eventually.Until(() => ReadAll(relay, "types=HazardReported", limit: 1000),
            items => items.Any(i => Concerns(i.GetProperty("data"), first)))).Single(i => Concerns(i.GetProperty("data"), first));
        await Eventually.Until(() => HighWaterMark(store), mark => mark >= at.GetProperty("position").GetInt64());
        await using var open = await OpenPosition.TakeAsync(store);

        var report = (await (await admin.Post(Reports, Report(world.SchoolId, HazardKinds.Traffic))).ReadJson()).Id();
        // Read at once, the transaction still open.
        var before = await ReadAll(relay, "types=HazardReported", limit: 1000);
        var page = await (await relay.GetAsync($"{IntegrationFeed.Path}?after=0&types=HazardReported&limit=1")).ReadJson();
        Assert.DoesNotContain(before, i => Concerns(i.GetProperty("data"), report));

        await open.CommitAsync();
        var after = await Eventually.Until(() => ReadAll(relay, "types=HazardReported", limit: 1000),
            items => items.Any(i => Concerns(i.GetProperty("data"), report)));
        var position = after.Single(i => Concerns(i.GetProperty("data"), report)).GetProperty("position").GetInt64();
        // The head the page gave while the transaction was open was at or above the report, which the feed held back.
        Assert.True(page.GetProperty("head").GetInt64() >= position, $"head {page.GetProperty("head")} below the report at {position}");
        Assert.All(before, i => Assert.True(i.GetProperty("position").GetInt64() < position));
        Assert.Equal(before.Select(i => i.Id()), after.TakeWhile(i => i.GetProperty("position").GetInt64() < position).Select(i => i.Id()));
    }

    /// <summary>The daemon's high-water mark as it recorded it (0 before it has).</summary>
    private static async Task<long> HighWaterMark(IDocumentStore store) =>
        (await store.Advanced.AllProjectionProgress()).FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0;

    private static bool Concerns(JsonElement data, Guid reportId) =>
        data.TryGetProperty("reportId", out var id) && id.GetGuid() == reportId;

    private static Guid MessageId(BrokerProbe.Delivery delivery) =>
        JsonDocument.Parse(delivery.Raw).RootElement.GetProperty("messageId").GetGuid();

    [Fact]
    public async Task Only_the_event_relay_reads_the_feed_and_the_relay_reads_nothing_else()
    {
        var world = await system.SchoolWithAlliance();
        using (var anonymous = Direct(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(IntegrationFeed.Path)).StatusCode);
        }
        foreach (var caller in new[]
        {
            new TokenRequest(Role.ProvinceAdmin, "51"),
            new TokenRequest(Role.CountyAdmin, world.County),
            new TokenRequest(Role.SchoolAdmin, world.County, world.SchoolId),
            new TokenRequest(Role.Operator, "51"),
            new TokenRequest(Role.DepartmentOfficer, "51", Department: Platform.Identity.Department.PublicSecurity),
            new TokenRequest(Role.MemberOfficer, world.County, null, world.PoliceStation),
        })
        {
            using var client = Direct(caller with { Subject = $"{caller.Role}-{Guid.NewGuid():N}" });
            await (await client.GetAsync(IntegrationFeed.Path)).AssertProblem(HttpStatusCode.Forbidden);
        }

        // The relay reads no domain record, through the gateway or directly.
        using var relayAtGateway = system.Client(new TokenRequest(Role.EventRelay, "", Subject: "subscriptions"));
        await (await relayAtGateway.GetAsync($"{Reports}?schoolId={world.SchoolId}")).AssertProblem(HttpStatusCode.Forbidden);
        using var relay = Relay();
        await (await relay.GetAsync($"/api/campussafety/schools/{world.SchoolId}/units")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await relay.GetAsync(IntegrationFeed.Path)).StatusCode);

        // The gateway does not route /internal: the feed is not reachable from outside.
        Assert.Equal(HttpStatusCode.NotFound, (await relayAtGateway.GetAsync(IntegrationFeed.Path)).StatusCode);
        using var admin = system.CountyAdmin(world);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(IntegrationFeed.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/campussafety/internal/integration-events")).StatusCode);
    }

    [Fact]
    public async Task The_development_issuer_mints_an_event_relay_token_without_a_region()
    {
        using var anonymous = system.Anonymous();
        var minted = await anonymous.PostAsJsonAsync("/dev/token", new { role = "EventRelay", subject = "subscriptions" });
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        using var relay = Direct(null);
        relay.DefaultRequestHeaders.Authorization = new("Bearer", (await minted.ReadJson()).Str("accessToken"));
        Assert.Equal(HttpStatusCode.OK, (await relay.GetAsync(IntegrationFeed.Path)).StatusCode);

        // Every other role still needs its region.
        await (await anonymous.PostAsJsonAsync("/dev/token", new { role = "CountyAdmin" })).AssertProblem(HttpStatusCode.BadRequest, "region");
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=abc", "after")]
    [InlineData("after=1&after=2", "after")]
    [InlineData("since=yesterday", "since")]
    [InlineData("since=2026-13-01T00:00:00Z", "since")]
    [InlineData("types=HazardReported,Nope", "types")]
    [InlineData("types=", "types")]
    [InlineData("types=AllianceEstablished", "types")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("page=1", "page")]
    public async Task Bad_input_is_a_400_naming_the_field(string query, string field)
    {
        using var relay = Relay();
        await (await relay.GetAsync($"{IntegrationFeed.Path}?{query}")).AssertProblem(HttpStatusCode.BadRequest, field);
    }
}
