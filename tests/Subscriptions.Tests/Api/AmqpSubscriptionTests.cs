using System.Net;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// An AMQP subscription end to end: a police system subscribed to the hazards of 510104, approved by the county,
/// reads HazardAssigned of 510104 (and not of 510105) from its own queue with its own broker user, which the broker
/// refuses anything else; revoked, that user can no longer connect.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AmqpSubscriptionTests(SubscriptionsSystem system)
{
    [Fact]
    public async Task A_police_system_receives_its_countys_hazards_on_its_own_queue_and_nothing_else()
    {
        var (school104, _) = await system.SchoolWithPolice("510104");
        var (school105, _) = await system.SchoolWithPolice("510105");

        using var police = system.Officer(Department.PublicSecurity, "5101");
        var requested = await police.Request(new
        {
            name = "锦江区公安分局警情系统", eventTypes = new[] { "HazardAssigned" }, region = "510104", delivery = "Amqp",
            purpose = "校园周边治安隐患处置",
        });
        var id = requested.Id();
        Assert.Equal("Requested", requested.Str("status"));

        using var county = system.Admin("510104");
        var approved = await county.Approve(id);
        Assert.Equal("Active", approved.Str("status"));
        var provisioned = await police.Provisioned(id, approved.GetProperty("version").GetInt64());
        Assert.Equal(["HazardAssigned.51.5101.510104"], provisioned.GetProperty("broker").GetProperty("bindings").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("Active", provisioned.GetProperty("broker").Str("status"));
        // The list carries the same, so that a page of subscriptions shows which queues are ready to connect to.
        var listed = Assert.Single((await (await police.GetAsync("/api/subscriptions?status=Active")).ReadJson()).Items(), s => s.Id() == id);
        Assert.Equal("Active", listed.GetProperty("broker").Str("status"));
        Assert.Equal(["HazardAssigned.51.5101.510104"], listed.GetProperty("broker").GetProperty("bindings").EnumerateArray().Select(b => b.GetString()));

        // A witness that sees the whole city: once it has the 510105 hazard, the broker has routed that one everywhere.
        using var cityPolice = system.Officer(Department.PublicSecurity, "5101");
        var witness = (await cityPolice.Request(new { name = "成都市公安局", eventTypes = new[] { "HazardAssigned" }, region = "5101", delivery = "Amqp" })).Id();
        using var city = system.Admin("5101");
        await cityPolice.Provisioned(witness, (await city.Approve(witness)).GetProperty("version").GetInt64());

        var credentials = await police.Credentials(id);
        var queue = credentials.Str("queue");
        Assert.Equal(provisioned.GetProperty("amqp").Str("queue"), queue);
        Assert.NotEqual("guest", credentials.Str("username"));
        var witnessCredentials = await cityPolice.Credentials(witness);

        var report104 = await system.ReportSecurityHazard("510104", school104);
        var report105 = await system.ReportSecurityHazard("510105", school105);

        await using var connection = await Subscribers.Connect(credentials);
        await using var channel = await connection.CreateChannelAsync();
        var received = await channel.Next(queue);
        Assert.NotNull(received);
        var cloudEvent = received.Value;
        Assert.Equal("1.0", cloudEvent.Str("specversion"));
        Assert.Equal("HazardAssigned", cloudEvent.Str("type"));
        Assert.Equal("510104", cloudEvent.Str("jltdivision"));
        Assert.Equal(report104, cloudEvent.GetProperty("data").GetProperty("reportId").GetGuid());
        Assert.True(Guid.TryParse(cloudEvent.Str("id"), out _));

        await using (var witnessConnection = await Subscribers.Connect(witnessCredentials))
        await using (var witnessChannel = await witnessConnection.CreateChannelAsync())
        {
            var seen = new List<Guid>();
            while (seen.Count < 2 && await witnessChannel.Next(witnessCredentials.Str("queue")) is { } e)
            {
                seen.Add(e.GetProperty("data").GetProperty("reportId").GetGuid());
            }
            Assert.Equal(new[] { report104, report105 }.Order(), seen.Order());
        }
        // Routed everywhere by now, and the 510105 hazard did not reach the 510104 queue.
        Assert.Null(await channel.BasicGetAsync(queue, autoAck: true));

        // Its user may read its own queue and nothing else: the broker refuses another subscription's queue.
        await using var other = await connection.CreateChannelAsync();
        var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => other.BasicGetAsync(witnessCredentials.Str("queue"), autoAck: true));
        Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode);
        await using var publisher = await connection.CreateChannelAsync();
        var cannotPublish = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await publisher.BasicPublishAsync("jlt.departments", "HazardAssigned.51.5101.510104", new ReadOnlyMemory<byte>([1]));
            await publisher.BasicGetAsync(queue, autoAck: true); // the refusal closes the channel; the next call sees it
        });
        Assert.Contains("ACCESS_REFUSED", cannotPublish.ToString());
    }

    [Fact]
    public async Task A_revoked_subscriber_can_no_longer_connect_and_its_queue_is_gone()
    {
        var county = Subscribers.NewCounty();
        using var police = system.Officer(Department.PublicSecurity, county);
        var id = (await police.Request(new { name = "派出所系统", eventTypes = new[] { "HazardAssigned", "HazardReported" }, region = county, delivery = "Amqp" })).Id();
        using var admin = system.Admin(county);
        await police.Provisioned(id, (await admin.Approve(id)).GetProperty("version").GetInt64());
        var credentials = await police.Credentials(id);
        // The system is connected when it is revoked: that connection is closed by the broker.
        var connected = await Subscribers.Connect(credentials);
        Assert.True(connected.IsOpen);

        var revoke = await admin.Command(id, "revoke", new { reason = "系统停用 / system retired" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var revoked = await revoke.ReadJson();
        Assert.Equal("Revoked", revoked.Str("status"));
        await police.Provisioned(id, revoked.GetProperty("version").GetInt64());

        Assert.False(await Eventually.Until(() => Task.FromResult(connected.IsOpen), open => !open));
        try { await connected.DisposeAsync(); } catch (Exception) { /* closed by the broker */ }
        var refused = await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => Subscribers.Connect(credentials));
        Assert.IsType<AuthenticationFailureException>(refused.InnerException);
        // The broker no longer has the queue either (asked as the system's own administrator).
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")) };
        await using var guest = await factory.CreateConnectionAsync();
        await using var channel = await guest.CreateChannelAsync();
        await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclarePassiveAsync(credentials.Str("queue")));
        var history = await (await police.GetAsync($"/api/subscriptions/{id}/history")).ReadJson();
        Assert.Equal(["SubscriptionRequested", "SubscriptionApproved", "SubscriptionRevoked"],
            history.EnumerateArray().Select(e => e.Str("event")));
    }

    [Fact]
    public async Task An_event_no_active_queue_subscription_takes_is_not_published_to_the_department_exchange()
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.CivilAffairs, county);
        using var admin = system.Admin(county);
        // The relay's witness: a webhook subscription to the county's units (nothing listens at its address), whose
        // delivery log shows each event once the relay has handled it.
        var witness = (await officer.Request(new
        {
            name = "民政局回执", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook",
            webhookUrl = "http://127.0.0.1:9/hook",
        })).Id();
        await admin.Approve(witness, legalBasis: null);
        // Whatever the exchange is given for the county's units, as the broker's administrator binds it.
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("jlt.departments", ExchangeType.Topic, durable: true, autoDelete: false);
        var probe = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(probe, "jlt.departments", $"MemberUnitRegistered.{county[..2]}.{county[..4]}.{county}");

        await system.RegisterUnit(county, "东街社区居委会");
        var relayed = await Eventually.Until(() => officer.Deliveries(witness), d => d.Count == 1);
        Assert.Equal(("MemberUnitRegistered", county), (relayed.Single().Str("eventType"), relayed.Single().Str("division")));
        Assert.Null(await channel.BasicGetAsync(probe, autoAck: true));   // no queue subscription takes it: not published

        var queued = (await officer.Request(new { name = "民政局社区服务系统", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Amqp" })).Id();
        await officer.Provisioned(queued, (await admin.Approve(queued, legalBasis: null)).GetProperty("version").GetInt64());
        var seen = await system.RegisterUnit(county, "西街社区居委会");
        var published = await channel.Next(probe);
        Assert.NotNull(published);
        Assert.Equal(seen, published.Value.GetProperty("data").GetProperty("unitId").GetGuid());
        var credentials = await officer.Credentials(queued);
        await using var subscriber = await Subscribers.Connect(credentials);
        await using var own = await subscriber.CreateChannelAsync();
        Assert.Equal(seen, (await own.Next(credentials.Str("queue")))!.Value.GetProperty("data").GetProperty("unitId").GetGuid());
        Assert.Null(await channel.BasicGetAsync(probe, autoAck: true));
    }

    [Fact]
    public async Task An_event_the_relay_is_given_again_with_its_id_is_published_and_staged_once()
    {
        // The relay reads whether it has relayed an event in its hand-over read, before it publishes (IChecksItsId),
        // not ahead of the consumer: a redelivery (a publish retried after a lost confirm, a broker restart) must still
        // reach neither the department's queue nor its webhook a second time.
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.CivilAffairs, county);
        using var admin = system.Admin(county);
        string[] types = ["AllianceSuspended", "AllianceReestablished"];
        var queued = (await officer.Request(new { name = "民政（教联体状态）", eventTypes = types, region = county, delivery = "Amqp" })).Id();
        await officer.Provisioned(queued, (await admin.Approve(queued, legalBasis: null)).GetProperty("version").GetInt64());
        var hook = (await officer.Request(new
        {
            name = "民政（教联体状态）回执", eventTypes = types, region = county, delivery = "Webhook", webhookUrl = "http://127.0.0.1:9/hook",
        })).Id();
        await admin.Approve(hook, legalBasis: null);
        var credentials = await officer.Credentials(queued);
        await using var subscriber = await Subscribers.Connect(credentials);
        await using var own = await subscriber.CreateChannelAsync();
        var queue = credentials.Str("queue");

        var bus = system.Services("alliances").GetRequiredService<IBus>();
        var alliance = Guid.NewGuid();
        // One stream, so the relay takes its events in the order they were published.
        async Task Publish<T>(T message, Guid id, long version) where T : class =>
            await bus.Publish(message, (PublishContext<T> c) =>
            {
                c.MessageId = id;
                c.Headers.Set(IntegrationEventPublisher.StreamHeader, alliance.ToString());
                c.Headers.Set(IntegrationEventPublisher.StreamVersionHeader, version);
            });
        var first = NewId.NextGuid();
        var second = NewId.NextGuid();
        var suspended = new AllianceSuspended(alliance, county, "换届 / re-election", DateTimeOffset.UtcNow, 1);
        await Publish(suspended, first, 1);
        Assert.Equal(first.ToString(), (await own.Next(queue))!.Value.Str("id"));

        await Publish(suspended, first, 1);   // the same event again, with its id
        await Publish(new AllianceReestablished(alliance, county, DateTimeOffset.UtcNow, 2), second, 2);
        Assert.Equal(second.ToString(), (await own.Next(queue))!.Value.Str("id"));
        Assert.Null(await own.BasicGetAsync(queue, autoAck: true));
        var staged = await Eventually.Until(() => officer.Deliveries(hook), d => d.Count >= 2);
        Assert.Equal(2, staged.Count);
        Assert.Equal(new HashSet<Guid> { first, second }, staged.Select(d => d.GetProperty("eventId").GetGuid()).ToHashSet());
    }
}
