using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// Per-stream order while an AMQP subscription's replay hands over to live (docs/subscriptions.md, "Replay", step 3):
/// after the held events are put into the queue, its bindings come back one management call at a time, and meanwhile
/// the relay puts every live event straight into the queue too. Here that window is held open (the calls that bind the
/// queue wait at a gate in front of the real management API) while one alliance's stream keeps growing (suspended,
/// re-established, suspended …), then the bindings come back while it still grows, and it grows after the replay.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ReplayRebindingTests(SubscriptionsSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task While_a_replayed_queue_is_rebound_each_streams_events_arrive_in_order_none_missing_repeats_only_with_their_id()
    {
        await using var gate = await ManagementGate.StartAsync(new Uri(system.Setting("Broker:Management")));
        await system.StopServiceAsync("subscriptions");
        system.StartService("subscriptions", new Dictionary<string, string> { ["Broker:Management"] = gate.Address.ToString() });
        try
        {
            await Run(gate);
        }
        finally
        {
            gate.Open();
            await system.StopServiceAsync("subscriptions");
            system.StartService("subscriptions");
        }
    }

    private async Task Run(ManagementGate gate)
    {
        var county = Subscribers.NewCounty();
        using var bureau = system.Admin(county);
        using var officer = system.Officer(Department.CivilAffairs, county);
        var id = (await officer.Request(new
        {
            name = "民政（教联体状态）", eventTypes = new[] { "AllianceSuspended", "AllianceReestablished" }, region = county, delivery = "Amqp",
        })).Id();
        await officer.Provisioned(id, (await bureau.Approve(id, null)).GetProperty("version").GetInt64());
        var credentials = await officer.Credentials(id);
        var queue = credentials.Str("queue");

        // One stream: the county's regional alliance, suspended and re-established over and over (each event carries
        // its version in the alliance's stream). The subscriber reads its queue all the while.
        var since = DateTimeOffset.UtcNow;
        var established = await bureau.PostAsJsonAsync("/api/alliances",
            new { name = $"区域教联体 {county}", kind = "Regional", countyCode = county, leadUnit = "教育局" });
        Assert.Equal(HttpStatusCode.Created, established.StatusCode);
        var alliance = (await established.ReadJson()).Id();
        var committed = new ConcurrentQueue<long>();
        async Task Toggle()
        {
            var path = $"/api/alliances/{alliance}";
            var read = await bureau.GetAsync(path);
            var suspended = (await read.ReadJson()).Str("status") == "Suspended";
            var response = suspended
                ? await bureau.Post($"{path}/reestablish", new { }, read.ETag())
                : await bureau.Post($"{path}/suspend", new { reason = "轮换 / rotation" }, read.ETag());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            committed.Enqueue(long.Parse(response.ETag().Trim('"')));
        }

        await using var connection = await Subscribers.Connect(credentials);
        await using var channel = await connection.CreateChannelAsync();
        var received = new ConcurrentQueue<(string Id, long Version, bool DuringWindow)>();
        var window = false;
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                {
                    var e = JsonDocument.Parse(message.Body).RootElement;
                    Assert.Equal(message.BasicProperties.MessageId, e.Str("id"));
                    var data = e.GetProperty("data");
                    Assert.Equal(alliance, data.GetProperty("allianceId").GetGuid());
                    received.Enqueue((e.Str("id"), data.GetProperty("version").GetInt64(), Volatile.Read(ref window)));
                }
                else
                {
                    await Task.Delay(20);
                }
            }
        });

        // Before the replay: a few live events.
        for (var i = 0; i < 4; i++) await Toggle();

        // The replay since before the alliance existed; the calls that bind the queue again wait at the gate.
        gate.HoldBindingsOf(queue);
        var keepGoing = new CancellationTokenSource();
        var toggling = Task.Run(async () =>
        {
            while (!keepGoing.IsCancellationRequested) await Toggle();
        });
        Assert.Equal(HttpStatusCode.OK, (await officer.Command(id, "replays", new { since })).StatusCode);
        await gate.Caught.WaitAsync(TimeSpan.FromSeconds(120));
        // The queue has no bindings now and the held events are in it: an event committed from now on reaches it
        // only straight from the relay.
        Volatile.Write(ref window, true);
        var atWindow = committed.Count;
        // Held open until three of them reached the queue (the management call waits, inside its 20 s timeout on a
        // quiet machine; if it times out the replay runs again from its start, which this test must survive too).
        await Eventually.Until(() =>
        {
            var later = committed.Skip(atWindow).ToHashSet();
            return Task.FromResult(received.Count(r => later.Contains(r.Version)));
        }, n => n >= 3, TimeSpan.FromSeconds(15));
        Volatile.Write(ref window, false);
        gate.Open();
        var done = await Eventually.Until(async () => await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson(),
            s => s.GetProperty("replays")[0].TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(120));
        Assert.Equal(JsonValueKind.String, done.GetProperty("replays")[0].GetProperty("completedAt").ValueKind);
        // And after it, live through the bindings alone.
        await keepGoing.CancelAsync();
        await toggling;
        for (var i = 0; i < 4; i++) await Toggle();

        var versions = committed.ToHashSet();
        await Eventually.Until(() => Task.FromResult(received.Select(r => r.Version).ToHashSet()), seen => versions.IsSubsetOf(seen), TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await reading;
        var all = received.ToList();
        output.WriteLine($"{versions.Count} events committed ({atWindow} before the gate caught the binding), {all.Count} messages received, " +
            $"{all.Count(r => r.DuringWindow)} of them while the queue had no bindings; binding calls held: {gate.Held}");
        output.WriteLine("committed: " + string.Join(" ", committed));
        output.WriteLine("received: " + string.Join(" ", all.Select(r => r.DuringWindow ? $"[{r.Version}]" : r.Version.ToString())));

        // None missing: every event of the stream committed since, and nothing else.
        Assert.Equal(versions.Order(), all.Select(r => r.Version).Distinct().Order());
        // Repeats only with their id: one id per event, one event per id.
        Assert.All(all.GroupBy(r => r.Version), g => Assert.Single(g.Select(r => r.Id).Distinct()));
        Assert.All(all.GroupBy(r => r.Id), g => Assert.Single(g.Select(r => r.Version).Distinct()));
        // In order: leaving out repeats of what came already, each event comes after the one before it in the stream.
        var firsts = all.DistinctBy(r => r.Id).Select(r => r.Version).ToList();
        Assert.Equal(firsts.Order(), firsts);
        Assert.True(gate.Held > 0, "the replay's bindings never came through the gate");
    }
}
