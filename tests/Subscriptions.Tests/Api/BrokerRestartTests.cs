using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// The broker restarted while deliveries are in flight (issue 13, "Bad input and faults"): events keep being
/// committed before, during and after the restart, an AMQP subscriber holds messages it has not acknowledged when the
/// broker goes, and a webhook subscription is fed from the same relay. Afterwards every event has arrived on both,
/// none is lost, and the only repeats are redeliveries that carry the same id.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BrokerRestartTests(SubscriptionsSystem system)
{
    private const int Total = 36;

    [Fact]
    public async Task A_broker_restart_mid_flow_loses_nothing_and_repeats_only_with_the_same_id()
    {
        var county = Subscribers.NewCounty();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var officer = system.Officer(Department.CivilAffairs, county);
        using var admin = system.Admin(county);
        var amqp = (await officer.Request(new { name = "民政队列", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Amqp" })).Id();
        await officer.Provisioned(amqp, (await admin.Approve(amqp, null)).GetProperty("version").GetInt64());
        var webhook = (await officer.Request(new
        {
            name = "民政回调", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook", webhookUrl = receiver.Url,
        })).Id();
        await admin.Approve(webhook, null);
        var credentials = await officer.Credentials(amqp);
        var queue = credentials.Str("queue");

        // A few units first; the subscriber takes their messages and acknowledges none: in flight when the broker stops.
        var registered = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            registered.Add(await RegisterUnit(admin, county, $"社区 {i} {Guid.NewGuid():N}"));
        }
        var unacknowledged = new List<JsonElement>();
        var subscriber = await Subscribers.Connect(credentials);
        var channel = await subscriber.CreateChannelAsync();
        while (unacknowledged.Count < 3 && await Eventually.Until(() => channel.BasicGetAsync(queue, autoAck: false), r => r is not null) is { } got)
        {
            unacknowledged.Add(JsonDocument.Parse(got.Body).RootElement.Clone());
        }
        Assert.Equal(3, unacknowledged.Count);

        // A burst is being committed, published and relayed as the broker stops; more are committed while it is away,
        // and more once it is back.
        var burst = Task.WhenAll(Enumerable.Range(0, 12).Select(i => RegisterUnit(admin, county, $"突发 {i} {Guid.NewGuid():N}")));
        await system.Servers.StopBrokerAsync();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                registered.Add(await RegisterUnit(admin, county, $"停机期间 {i} {Guid.NewGuid():N}"));
            }
        }
        finally
        {
            await system.Servers.StartBrokerAsync();
        }
        registered.AddRange(await burst);
        for (var i = 0; i < Total - 26; i++)
        {
            registered.Add(await RegisterUnit(admin, county, $"恢复之后 {i} {Guid.NewGuid():N}"));
        }
        Assert.Equal(Total, registered.Count);
        try { await subscriber.DisposeAsync(); } catch (Exception) { /* its connection died with the broker */ }

        // AMQP: everything reaches the queue; the three unacknowledged come again, with their ids.
        await using var again = await Subscribers.Connect(credentials);
        await using var reading = await again.CreateChannelAsync();
        var received = new List<JsonElement>(unacknowledged);
        await Eventually.Until(async () =>
        {
            while (await reading.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                received.Add(JsonDocument.Parse(message.Body).RootElement.Clone());
            }
            return received.Select(UnitOf).Distinct().Count();
        }, n => n >= Total, TimeSpan.FromSeconds(120));
        AssertEveryOneWithOneId(registered, received.Select(e => (e.Str("id"), UnitOf(e))).ToList(), "AMQP");

        // Webhook: every event POSTed, repeats only with the same webhook-id.
        var hooks = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()),
            r => r.Select(h => UnitOf(JsonDocument.Parse(h.Body).RootElement)).Distinct().Count() >= Total, TimeSpan.FromSeconds(120));
        AssertEveryOneWithOneId(registered, hooks.Select(h => (h.Id, UnitOf(JsonDocument.Parse(h.Body).RootElement))).ToList(), "webhook");
        var log = await (await officer.GetAsync($"/api/subscriptions/{webhook}/deliveries")).ReadJson();
        Assert.Equal(Total, log.GetProperty("total").GetInt64());
    }

    /// <summary>Every unit registered arrived; one unit, one event id; an id never stands for two units.</summary>
    private static void AssertEveryOneWithOneId(IEnumerable<Guid> registered, List<(string Id, Guid Unit)> arrived, string how)
    {
        Assert.Equal(registered.Order(), arrived.Select(a => a.Unit).Distinct().Order());
        Assert.All(arrived.GroupBy(a => a.Unit), g => Assert.Single(g.Select(a => a.Id).Distinct()));
        Assert.All(arrived.GroupBy(a => a.Id), g => Assert.Single(g.Select(a => a.Unit).Distinct()));
        Assert.True(arrived.Count >= registered.Count(), how);
    }

    private static Guid UnitOf(JsonElement cloudEvent) => cloudEvent.GetProperty("data").GetProperty("unitId").GetGuid();

    /// <summary>Registers a unit; while the broker is away the service may ask to come back later (503), which changes nothing.</summary>
    private static async Task<Guid> RegisterUnit(HttpClient admin, string county, string name)
    {
        while (true)
        {
            var response = await admin.PostAsJsonAsync("/api/alliances/units",
                new { kind = "CommunityCommittee", name, countyCode = county, contactOfficer = "李主任", contactPhone = "028-86000001" });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return (await response.ReadJson()).Id();
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(200);
        }
    }
}
