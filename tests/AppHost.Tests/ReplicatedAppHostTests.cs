using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.AppHost.Tests;

/// <summary>
/// The AppHost with <c>Scale:Replicas=2</c> (what <c>JLT_REPLICAS=2 ./run.sh</c> starts): two processes of every
/// service and of the gateway, all healthy; each service's queue has two competing consumers; the flow works.
/// </summary>
public sealed class ReplicatedAppHostTests
{
    private static readonly string[] Services = ["alliances", "activities", "parentschool", "campussafety", "wellbeing"];
    private static readonly string[] Databases = ["alliancesdb", "activitiesdb", "parentschooldb", "campussafetydb", "wellbeingdb"];

    [Fact]
    public async Task With_two_replicas_of_everything_every_replica_is_healthy_and_each_queue_has_two_consumers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var servers = await TestServers.GetAsync();
        var id = "jltrep" + Guid.NewGuid().ToString("N")[..8];
        var amqp = await servers.CreateVirtualHostAsync(id);
        var args = new List<string> { $"--ConnectionStrings:rabbitmq={amqp}", "--Scale:Replicas=2" };
        foreach (var database in Databases)
        {
            args.Add($"--ConnectionStrings:{database}={await servers.CreateDatabaseAsync($"{id}_{database}")}");
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<global::Projects.AppHost>([.. args], timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var name in Services.Append("gateway"))
        {
            var project = model.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
            Assert.Equal(2, project.GetReplicaCount());
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
        // Every replica (an instance of the resource, with an id of its own) reports healthy, not just the first.
        var healthy = new Dictionary<string, HashSet<string>>();
        using (var watching = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
        {
            watching.CancelAfter(TimeSpan.FromMinutes(3));
            try
            {
                await foreach (var update in app.ResourceNotifications.WatchAsync(watching.Token))
                {
                    if (Services.Append("gateway").Contains(update.Resource.Name) && update.Snapshot.HealthStatus == HealthStatus.Healthy)
                    {
                        (healthy.TryGetValue(update.Resource.Name, out var ids) ? ids : healthy[update.Resource.Name] = []).Add(update.ResourceId);
                    }
                    if (healthy.Count == 6 && healthy.Values.All(ids => ids.Count == 2))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
                // Reported below.
            }
        }
        foreach (var name in Services.Append("gateway"))
        {
            Assert.True(healthy.TryGetValue(name, out var ids) && ids.Count == 2,
                $"{name}: {(healthy.TryGetValue(name, out var some) ? string.Join(", ", some) : "no")} replica(s) healthy");
        }

        var broker = new Uri(amqp);
        var factory = new ConnectionFactory { Uri = new Uri($"{broker.Scheme}://{broker.UserInfo}@{broker.Host}:{broker.Port}/{Uri.EscapeDataString(id)}") };
        await using (var connection = await factory.CreateConnectionAsync(timeout.Token))
        {
            foreach (var service in Services)
            {
                var consumers = await Eventually.Until(async () =>
                {
                    await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
                    return (await channel.QueueDeclarePassiveAsync(service, timeout.Token)).ConsumerCount;
                }, count => count == 2, TimeSpan.FromMinutes(2));
                Assert.Equal(2u, consumers);
            }
        }

        using var gateway = app.CreateHttpClient("gateway", "http");
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104")));
        var created = await gateway.PostAsJsonAsync("/api/alliances",
            new { name = "锦江区教联体", kind = "Regional", countyCode = "510104", leadUnit = "成都市锦江区教育局" }, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var known = await Eventually.Until(
            async () => await gateway.GetStringAsync("/api/activities/alliances", timeout.Token),
            text => JsonDocument.Parse(text).RootElement.GetProperty("total").GetInt64() == 1,
            TimeSpan.FromSeconds(90));
        Assert.Equal(1, JsonDocument.Parse(known).RootElement.GetProperty("total").GetInt64());
    }
}
