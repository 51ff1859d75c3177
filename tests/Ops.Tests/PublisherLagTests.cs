using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.Observability;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// The publisher held back (it waits for a consumer queue that does not exist yet): the lag gauge of Alliances'
/// integration-event subscription grows and /health says Degraded; once the queue exists the events leave, the lag
/// falls to zero and the service is healthy again.
/// </summary>
[Collection(OpsCollection.Name)]
public sealed class PublisherLagTests(OpsSystem system)
{
    [Fact]
    public async Task Health_degrades_and_the_lag_gauge_grows_while_the_publisher_is_held_back()
    {
        var held = $"held-{Guid.NewGuid():N}"[..16];
        await system.StopServiceAsync("alliances");
        system.StartService("alliances", new Dictionary<string, string>
        {
            ["Messaging:AwaitQueues"] = system.Setting("Messaging:AwaitQueues") + "," + held,
        });
        try
        {
            using var measured = new Measurements();
            var county = "510105";
            var created = await system.Client(Role.CountyAdmin, county).Post("/api/alliances",
                new { name = "积压测试教联体", kind = "Regional", countyCode = county, leadUnit = "教育局" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            using var probe = new HttpClient { BaseAddress = system.Address("alliances") };
            Assert.Equal("Degraded", await Eventually.Until(() => probe.GetStringAsync("/health"), h => h == "Degraded"));
            var lag = measured.Observe(OpsMetrics.ProjectionLag).Single(m =>
                m.Tags["service"] == "alliances" && m.Tags["projection"] == $"{IntegrationEventPublisher.SubscriptionId}:All");
            Assert.True(lag.Value > 2, $"lag {lag.Value} s");
            var behind = measured.Observe(OpsMetrics.ProjectionBehind).Single(m =>
                m.Tags["service"] == "alliances" && m.Tags["projection"] == $"{IntegrationEventPublisher.SubscriptionId}:All");
            Assert.True(behind.Value >= 1);
            Assert.Equal(0, measured.Sum(OpsMetrics.MessagesSent, ("service", "alliances")));

            // The queue appears: the gate opens, the event leaves, the lag is gone.
            var broker = system.Services("alliances").GetRequiredService<BrokerAddress>();
            await using (var connection = await ErrorQueues.ConnectAsync(broker, "test", CancellationToken.None))
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.QueueDeclareAsync(held, durable: false, exclusive: false, autoDelete: true);
                Assert.Equal("Healthy", await Eventually.Until(() => probe.GetStringAsync("/health"), h => h == "Healthy"));
            }
            Assert.True(measured.Sum(OpsMetrics.MessagesSent, ("service", "alliances")) >= 1);
            Assert.True(measured.Count(OpsMetrics.PublishingLag, ("service", "alliances")) >= 1);
        }
        finally
        {
            await system.StopServiceAsync("alliances");
            system.StartService("alliances");
        }
    }
}
