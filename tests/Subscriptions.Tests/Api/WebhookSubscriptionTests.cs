using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// A webhook subscription end to end: signed CloudEvents (Standard Webhooks) reach a real HTTP receiver; a receiver
/// that is down, then answers 500, then recovers gets every event once, each stream's in order, each under its one id;
/// a slow one gets several streams side by side; a delivery that keeps failing is parked and can be re-sent.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebhookSubscriptionTests(SubscriptionsSystem system)
{
    [Fact]
    public async Task The_receiver_gets_signed_cloudevents_and_a_wrong_signature_is_detectable()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var county = Subscribers.NewCounty();
        var (officer, id) = await Subscribed(county, receiver.Url);
        var secret = (await (await officer.GetAsync($"/api/subscriptions/{id}/secret")).ReadJson()).Str("secret");
        Assert.StartsWith("whsec_", secret);

        var unit = await system.RegisterUnit(county, "锦官社区居委会");

        var received = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 1);
        var hook = Assert.Single(received);
        Assert.StartsWith("application/cloudevents+json", hook.ContentType);
        var cloudEvent = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal("1.0", cloudEvent.Str("specversion"));
        Assert.Equal("MemberUnitRegistered", cloudEvent.Str("type"));
        Assert.Equal("/jiaolianti/alliances", cloudEvent.Str("source"));
        Assert.Equal(county, cloudEvent.Str("jltdivision"));
        Assert.Equal(hook.Id, cloudEvent.Str("id"));
        Assert.Equal(unit, cloudEvent.GetProperty("data").GetProperty("unitId").GetGuid());

        // Standard Webhooks: v1,base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")), checked independently here.
        Assert.True(Verifies(secret, hook.Id, hook.Timestamp, hook.Body, hook.Signature), hook.Signature);
        var tampered = (byte[])hook.Body.Clone();
        tampered[^2] ^= 1;
        Assert.False(Verifies(secret, hook.Id, hook.Timestamp, tampered, hook.Signature));
        Assert.False(Verifies("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), hook.Id, hook.Timestamp, hook.Body, hook.Signature));
        Assert.False(Verifies(secret, Guid.NewGuid().ToString(), hook.Timestamp, hook.Body, hook.Signature));

        var log = await (await officer.GetAsync($"/api/subscriptions/{id}/deliveries")).ReadJson();
        var delivery = Assert.Single(log.Items());
        Assert.Equal("Delivered", delivery.Str("status"));
        Assert.Equal(Guid.Parse(hook.Id), delivery.GetProperty("eventId").GetGuid());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_receiver_down_then_failing_then_back_gets_every_event_once_in_the_subscriptions_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await receiver.StopAsync(); // nothing listens on its port: connection refused
        var county = Subscribers.NewCounty();
        var (officer, id) = await Subscribed(county, receiver.Url);

        var units = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            units.Add(await system.RegisterUnit(county, $"社区居委会 {i}"));
        }
        var refused = await Eventually.Until(() => Deliveries(officer, id),
            d => d.Count == 3 && d[0].GetProperty("attempts").GetInt32() >= 2);
        Assert.True(refused[0].GetProperty("attempts").GetInt32() >= 2, refused[0].ToString());
        Assert.Equal("Pending", refused[0].Str("status"));
        Assert.False(string.IsNullOrEmpty(refused[0].Str("lastError")));
        // While it fails, one delivery at a time is tried, the first in the subscription's order, again and again; the
        // others at most once (before the first failure they may have gone side by side with it: other streams).
        Assert.All(refused.Skip(1), d => Assert.True(d.GetProperty("attempts").GetInt32() <= 1, d.ToString()));

        receiver.Failing = true;
        await receiver.StartAgainAsync();
        var failing = await Eventually.Until(() => Deliveries(officer, id), d => d[0].TryGetProperty("lastStatusCode", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt32() == 500);
        Assert.Equal(500, failing[0].GetProperty("lastStatusCode").GetInt32());

        receiver.Failing = false;
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 3);
        var delivered = await Eventually.Until(() => Deliveries(officer, id), d => d.All(x => x.Str("status") == "Delivered"));
        Assert.All(delivered, d => Assert.Equal("Delivered", d.Str("status")));
        // Delivered, the first still says why it took several attempts: its last failure (the 500) and when.
        Assert.True(delivered[0].GetProperty("attempts").GetInt32() >= 3, delivered[0].ToString());
        Assert.Equal(JsonValueKind.Null, delivered[0].GetProperty("lastError").ValueKind);
        Assert.Equal("HTTP 500 Internal Server Error", delivered[0].Str("lastFailure"));
        Assert.NotEqual(JsonValueKind.Null, delivered[0].GetProperty("lastFailedAt").ValueKind);
        Assert.Equal(3, received.Count);
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());
        // Three units are three streams, so no order is owed between them; yet after a failure the lane sends one at a
        // time, in the subscription's order, until one goes through: the first, then the rest in their order.
        Assert.Equal(units.Order(), received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("unitId").GetGuid()).Order());
        Assert.Equal(delivered.Select(d => d.GetProperty("eventId").GetGuid().ToString()), received.Select(r => r.Id));
    }

    [Fact]
    public async Task A_slow_receiver_gets_a_subscriptions_streams_side_by_side_at_most_four_at_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(300);
        var county = Subscribers.NewCounty();
        var (_, id) = await Subscribed(county, receiver.Url);

        // Twelve units at once: twelve streams of one event each.
        var units = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => system.RegisterUnit(county, $"社区居委会 并行 {i}")));

        var received = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 12);
        Assert.Equal(units.Order(), received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("unitId").GetGuid()).Order());
        Assert.Equal(12, received.Select(r => r.Id).Distinct().Count());
        // One after another they would take 3.6 s; the sender sends up to Webhooks:Parallel (4) streams side by side.
        Assert.InRange(receiver.MostInFlight, 2, 4);
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_parked_and_can_be_resent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Failing = true;
        var county = Subscribers.NewCounty();
        var (officer, id) = await Subscribed(county, receiver.Url);
        var unit = await system.RegisterUnit(county, "街道办事处");

        var parked = await Eventually.Until(() => Deliveries(officer, id), d => d.Count == 1 && d[0].Str("status") == "Parked", TimeSpan.FromSeconds(90));
        var delivery = Assert.Single(parked);
        Assert.Equal("Parked", delivery.Str("status"));
        Assert.Equal(500, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.True(delivery.GetProperty("attempts").GetInt32() >= 2);
        Assert.Empty(receiver.Received);

        receiver.Failing = false;
        var resend = await officer.PostAsync($"/api/subscriptions/{id}/deliveries/{delivery.Id()}/resend", null);
        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received.ToList()), r => r.Count >= 1);
        var hook = Assert.Single(received);
        Assert.Equal(delivery.GetProperty("eventId").GetGuid().ToString(), hook.Id);
        Assert.Equal(unit, JsonDocument.Parse(hook.Body).RootElement.GetProperty("data").GetProperty("unitId").GetGuid());
        var log = await Eventually.Until(() => Deliveries(officer, id), d => d[0].Str("status") == "Delivered");
        Assert.Equal("Delivered", log[0].Str("status"));
        // Only a parked delivery is re-sent.
        var again = await officer.PostAsync($"/api/subscriptions/{id}/deliveries/{delivery.Id()}/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_paused_subscription_gets_nothing_of_what_is_relayed_while_paused_and_after_resuming_the_next_ones()
    {
        // The relay keeps the webhook subscriptions in memory between changes: a pause and a resume must reach it.
        await using var paused = await WebhookReceiver.StartAsync();
        await using var witness = await WebhookReceiver.StartAsync();
        var county = Subscribers.NewCounty();
        var (officer, id) = await Subscribed(county, paused.Url);
        await Subscribed(county, witness.Url);
        var first = await system.RegisterUnit(county, "暂停前社区居委会");
        await Eventually.Until(() => Task.FromResult(paused.Received.ToList()), r => r.Count >= 1);

        Assert.Equal(HttpStatusCode.OK, (await officer.Command(id, "pause")).StatusCode);
        var whilePaused = await system.RegisterUnit(county, "暂停中社区居委会");
        // Relayed while paused: the other subscription of the county got it.
        await Eventually.Until(() => Task.FromResult(witness.Received.ToList()), r => r.Count >= 2);
        Assert.Equal(HttpStatusCode.OK, (await officer.Command(id, "resume")).StatusCode);
        var after = await system.RegisterUnit(county, "恢复后社区居委会");

        var received = await Eventually.Until(() => Task.FromResult(paused.Received.ToList()), r => r.Count >= 2);
        var units = received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("unitId").GetGuid()).ToList();
        Assert.Equal([first, after], units);
        Assert.DoesNotContain(whilePaused, units);
        var log = await Eventually.Until(() => Deliveries(officer, id), d => d.Count == 2 && d.All(x => x.Str("status") == "Delivered"));
        Assert.Equal(received.Select(r => Guid.Parse(r.Id)), log.Select(d => d.GetProperty("eventId").GetGuid()));
    }

    /// <summary>A civil-affairs system subscribed to the county's newly registered units, approved by the county.</summary>
    private async Task<(HttpClient Officer, Guid Id)> Subscribed(string county, string url)
    {
        var officer = system.Officer(Department.CivilAffairs, county);
        var id = (await officer.Request(new
        {
            name = "民政局社区服务系统", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook", webhookUrl = url,
        })).Id();
        using var admin = system.Admin(county);
        var approved = await admin.Approve(id, legalBasis: null);
        Assert.Equal("Active", approved.Str("status"));
        return (officer, id);
    }

    private static Task<IReadOnlyList<JsonElement>> Deliveries(HttpClient officer, Guid id) => officer.Deliveries(id);

    private static bool Verifies(string secret, string id, string timestamp, byte[] body, string header)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        return header.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }
}
