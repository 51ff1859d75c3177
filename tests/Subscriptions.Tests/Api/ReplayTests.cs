using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// Replay: a subscriber that asks for everything since a date gets, from the owning service's event store, exactly
/// the matching events of that period, once each, and then the live ones.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ReplayTests(SubscriptionsSystem system)
{
    [Fact]
    public async Task A_webhook_replay_gives_exactly_that_period_once_each_then_the_live_ones()
    {
        var county = Subscribers.NewCounty();
        var (since, inPeriod) = await History(county);

        await using var receiver = await WebhookReceiver.StartAsync();
        using var officer = system.Officer(Department.CivilAffairs, county);
        var id = (await officer.Request(new
        {
            name = "民政回放", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook", webhookUrl = receiver.Url,
        })).Id();
        using var admin = system.Admin(county);
        await admin.Approve(id, null);

        await Replayed(officer, id, since, expected: 2);
        var replayed = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 2);
        Assert.Equal(inPeriod.Order(), replayed.Select(UnitOf).Order());

        var live = await RegisterUnit(county, "之后的单位 live");
        var all = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 3);
        Assert.Equal(inPeriod.Order(), all.Take(2).Select(UnitOf).Order());
        Assert.Equal(live, UnitOf(all[2]));
        Assert.Equal(3, all.Select(r => r.Id).Distinct().Count());
        var log = await (await officer.GetAsync($"/api/subscriptions/{id}/deliveries")).ReadJson();
        Assert.Equal(3, log.GetProperty("total").GetInt64());
        Assert.Equal([true, true, false], log.Items().Select(d => d.GetProperty("replayed").GetBoolean()));
    }

    [Fact]
    public async Task An_amqp_replay_gives_exactly_that_period_once_each_then_the_live_ones()
    {
        var county = Subscribers.NewCounty();
        var (since, inPeriod) = await History(county);

        using var officer = system.Officer(Department.PublicSecurity, county);
        var id = (await officer.Request(new { name = "公安回放", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Amqp" })).Id();
        using var admin = system.Admin(county);
        await officer.Provisioned(id, (await admin.Approve(id)).GetProperty("version").GetInt64());
        var credentials = await officer.Credentials(id);

        await Replayed(officer, id, since, expected: 2);
        await using var connection = await Subscribers.Connect(credentials);
        await using var channel = await connection.CreateChannelAsync();
        var replayed = new List<JsonElement>();
        for (var i = 0; i < 2; i++)
        {
            replayed.Add(Assert.NotNull(await channel.Next(credentials.Str("queue"))));
        }
        Assert.Equal(inPeriod.Order(), replayed.Select(e => e.GetProperty("data").GetProperty("unitId").GetGuid()).Order());

        // Live again (the bindings came back before the replay completed): the next event arrives, and nothing else.
        var live = await RegisterUnit(county, "之后的单位 live");
        var next = Assert.NotNull(await channel.Next(credentials.Str("queue")));
        Assert.Equal(live, next.GetProperty("data").GetProperty("unitId").GetGuid());
        Assert.Null(await channel.BasicGetAsync(credentials.Str("queue"), autoAck: true));
        Assert.Equal(3, replayed.Append(next).Select(e => e.Str("id")).Distinct().Count());
    }

    /// <summary>
    /// Events keep being committed before, during and after the replay (the hand-over by id, issue 13): the webhook
    /// gets every event of the period exactly once, the queue every one with one id each (an event that reached it
    /// live before the replay was asked for comes again, same id), and an event committed after the replay comes last.
    /// </summary>
    [Fact]
    public async Task A_replay_while_events_keep_arriving_misses_none_and_then_goes_live()
    {
        var county = Subscribers.NewCounty();
        var (since, inPeriod) = await History(county);

        await using var receiver = await WebhookReceiver.StartAsync();
        using var officer = system.Officer(Department.CivilAffairs, county);
        using var admin = system.Admin(county);
        var hook = (await officer.Request(new
        {
            name = "民政回放（持续）", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook", webhookUrl = receiver.Url,
        })).Id();
        await admin.Approve(hook, null);
        var amqp = (await officer.Request(new { name = "民政队列（持续）", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Amqp" })).Id();
        await officer.Provisioned(amqp, (await admin.Approve(amqp, null)).GetProperty("version").GetInt64());
        var credentials = await officer.Credentials(amqp);

        // Units are registered one after another from before the replays are asked for until both have completed.
        var during = new List<Guid>();
        var fifth = new TaskCompletionSource();
        using var completed = new CancellationTokenSource();
        var registering = Task.Run(async () =>
        {
            for (var i = 0; !completed.IsCancellationRequested; i++)
            {
                during.Add(await RegisterUnit(county, $"持续 {i} {Guid.NewGuid():N}"));
                if (i == 4) fifth.TrySetResult();
            }
        });
        await fifth.Task;
        Assert.Equal(HttpStatusCode.OK, (await officer.Command(hook, "replays", new { since })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.Command(amqp, "replays", new { since })).StatusCode);
        foreach (var id in new[] { hook, amqp })
        {
            var done = await Eventually.Until(async () => await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson(),
                s => s.GetProperty("replays")[0].TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(90));
            Assert.Equal(JsonValueKind.String, done.GetProperty("replays")[0].GetProperty("completedAt").ValueKind);
        }
        await completed.CancelAsync();
        await registering;
        // Everything of the period (replayed, held or live) arrives; units are separate streams, and the relay takes
        // messages side by side, so their order among themselves is not promised: only per stream, and "then live".
        var period = inPeriod.Concat(during).Order().ToList();
        // A POST that timed out on a loaded machine is sent again with its id: count each id once, and require one id
        // per unit (a unit delivered under two ids would be a duplicate).
        var hooks = await Eventually.Until(() => Task.FromResult(receiver.Received.DistinctBy(h => h.Id).ToList()), r => r.Count >= period.Count, TimeSpan.FromSeconds(90));
        Assert.Equal(period, hooks.Select(UnitOf).Order());
        Assert.All(receiver.Received.GroupBy(UnitOf), g => Assert.Single(g.Select(h => h.Id).Distinct()));

        await using var connection = await Subscribers.Connect(credentials);
        await using var channel = await connection.CreateChannelAsync();
        var queued = new List<JsonElement>();
        await Eventually.Until(async () =>
        {
            while (await channel.BasicGetAsync(credentials.Str("queue"), autoAck: true) is { } message)
            {
                queued.Add(JsonDocument.Parse(message.Body).RootElement.Clone());
            }
            return queued.Select(e => e.GetProperty("data").GetProperty("unitId").GetGuid()).Distinct().Count();
        }, n => n >= period.Count, TimeSpan.FromSeconds(90));
        var units = queued.Select(e => (Id: e.Str("id"), Unit: e.GetProperty("data").GetProperty("unitId").GetGuid())).ToList();
        Assert.Equal(period, units.Select(u => u.Unit).Distinct().Order());
        Assert.All(units.GroupBy(u => u.Unit), g => Assert.Single(g.Select(u => u.Id).Distinct()));

        // Then live: the next event arrives once, on both, after all of them.
        var live = await RegisterUnit(county, "回放之后 after the replay");
        var withLive = await Eventually.Until(() => Task.FromResult(receiver.Received.DistinctBy(h => h.Id).ToList()), r => r.Count > period.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(period.Count + 1, withLive.Count);
        Assert.Equal(live, UnitOf(withLive[^1]));
        var after = new List<JsonElement>();
        while (after.All(e => e.GetProperty("data").GetProperty("unitId").GetGuid() != live) && await channel.Next(credentials.Str("queue")) is { } e)
        {
            after.Add(e);
        }
        Assert.Equal(live, after[^1].GetProperty("data").GetProperty("unitId").GetGuid());
        // Anything before it is a repeat, with its id, of one of the period (sent straight and through the exchange
        // while the bindings came back).
        Assert.All(after.SkipLast(1), e => Assert.Contains((e.Str("id"), e.GetProperty("data").GetProperty("unitId").GetGuid()), units));
    }

    /// <summary>
    /// The events of the period were committed while a transaction below them in Alliances' store was still open (a
    /// command in flight), and may have reached the subscriber at their commit: the feed stops below that open
    /// position, so the replay reads on, asking again, until the feed reaches the head it saw first, and counts both
    /// once the transaction has committed. Reading only to where the feed first stopped, it counted none.
    /// </summary>
    [Fact]
    public async Task A_replay_reads_on_past_a_transaction_still_open_below_the_events_of_the_period()
    {
        var county = Subscribers.NewCounty();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var officer = system.Officer(Department.CivilAffairs, county);
        var id = (await officer.Request(new
        {
            name = "民政回放（未提交的事务）", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook", webhookUrl = receiver.Url,
        })).Id();
        using var admin = system.Admin(county);
        await admin.Approve(id, null);

        var since = DateTimeOffset.UtcNow;
        await using var open = await OpenPosition.TakeAsync(system.Services("alliances").GetRequiredService<IDocumentStore>());
        var inPeriod = new[] { await RegisterUnit(county, "期间单位 1"), await RegisterUnit(county, "期间单位 2") };
        var replaying = Replayed(officer, id, since, expected: 2);
        // The replay reads while the transaction is open (the worker looks every 500 ms), then it commits.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await open.CommitAsync();
        await replaying;
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 2);
        Assert.Equal(inPeriod.Order(), received.Select(UnitOf).Order());
        Assert.Equal(2, received.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task Only_an_active_subscriptions_department_replays_and_since_is_required()
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.CivilAffairs, county);
        var id = (await officer.Request(new { name = "x", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Amqp" })).Id();
        Assert.Equal(HttpStatusCode.Conflict, (await officer.Command(id, "replays", new { since = DateTimeOffset.UtcNow.AddDays(-1) })).StatusCode);
        using var admin = system.Admin(county);
        await admin.Approve(id, null);
        var missing = await officer.Command(id, "replays", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.ReadJson()).GetProperty("errors").TryGetProperty("since", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Command(id, "replays", new { since = DateTimeOffset.UtcNow.AddDays(-1) })).StatusCode);
    }

    /// <summary>
    /// A unit registered before <c>since</c>, two after it, and one in another county; returns when the subscriptions
    /// service has relayed them all (a witness subscription of the county has them), so none of them can still reach
    /// a subscription made afterwards live: only the replay brings them.
    /// </summary>
    private async Task<(DateTimeOffset Since, Guid[] InPeriod)> History(string county)
    {
        using var witnessOfficer = system.Officer(Department.CivilAffairs, county);
        var witness = (await witnessOfficer.Request(new { name = "见证", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Amqp" })).Id();
        using var city = system.Admin(county);
        await witnessOfficer.Provisioned(witness, (await city.Approve(witness, null)).GetProperty("version").GetInt64());
        var credentials = await witnessOfficer.Credentials(witness);

        var before = await RegisterUnit(county, "之前的单位 before");
        var since = DateTimeOffset.UtcNow;
        var inPeriod = new[] { await RegisterUnit(county, "期间单位 1"), await RegisterUnit(county, "期间单位 2") };
        await RegisterUnit(Subscribers.NewCounty(), "别的县 elsewhere");

        await using var connection = await Subscribers.Connect(credentials);
        await using var channel = await connection.CreateChannelAsync();
        var relayed = new List<Guid>();
        while (relayed.Count < 3 && await channel.Next(credentials.Str("queue")) is { } e)
        {
            relayed.Add(e.GetProperty("data").GetProperty("unitId").GetGuid());
        }
        Assert.Equal(inPeriod.Append(before).Order(), relayed.Order());
        await witnessOfficer.Command(witness, "revoke", new { reason = "见证完毕" });
        return (since, inPeriod);
    }

    private static Guid UnitOf(ReceivedWebhook hook) =>
        JsonDocument.Parse(hook.Body).RootElement.GetProperty("data").GetProperty("unitId").GetGuid();

    /// <summary>Asks for a replay and waits until it is complete.</summary>
    private static async Task Replayed(HttpClient officer, Guid id, DateTimeOffset since, int expected)
    {
        var asked = await officer.Command(id, "replays", new { since });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var done = await Eventually.Until(async () => await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson(),
            s => s.GetProperty("replays")[0].TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(60));
        var replay = done.GetProperty("replays")[0];
        Assert.Equal(JsonValueKind.String, replay.GetProperty("completedAt").ValueKind);
        Assert.Equal(expected, replay.GetProperty("delivered").GetInt32());
    }

    private async Task<Guid> RegisterUnit(string county, string name)
    {
        using var admin = system.Admin(county);
        var response = await admin.PostAsJsonAsync("/api/alliances/units",
            new { kind = "CommunityCommittee", name, countyCode = county, contactOfficer = "李主任", contactPhone = "028-86000001" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJson()).Id();
    }
}
