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
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.AppHost.Tests;

/// <summary>
/// The AppHost as a user runs it (Aspire.Hosting.Testing), wired to the test servers as connection strings, the way
/// run.sh wires it to local servers, with <c>Scale:Replicas=2</c> (what <c>JLT_REPLICAS=2 ./run.sh</c> starts; one
/// start covers both, to keep the suite short): every resource becomes healthy, every replica of each service and of
/// the gateway too, each service's queue has two competing consumers, and the flow works through the gateway.
/// </summary>
public sealed class AppHostTests
{
    private static readonly string[] Services = ["alliances", "activities", "parentschool", "campussafety", "wellbeing", "subscriptions"];
    private static readonly string[] Replicated = [.. Services, "gateway"];
    private static readonly string[] Projects = [.. Replicated, "console"];
    private static readonly string[] Databases = ["alliancesdb", "activitiesdb", "parentschooldb", "campussafetydb", "wellbeingdb", "subscriptionsdb", "consoledb"];

    [Fact]
    public async Task The_whole_system_starts_with_every_resource_healthy_and_serves_the_flow()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(7));
        var servers = await TestServers.GetAsync();
        var id = "jltapp" + Guid.NewGuid().ToString("N")[..8];
        var amqp = await servers.CreateVirtualHostAsync(id);
        var args = new List<string> { $"--ConnectionStrings:rabbitmq={amqp}", "--Scale:Replicas=2" };
        if (servers.Management is { } management)
        {
            args.Add($"--Broker:Management={management}");
        }
        foreach (var database in Databases)
        {
            args.Add($"--ConnectionStrings:{database}={await servers.CreateDatabaseAsync($"{id}_{database}")}");
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<global::Projects.AppHost>(
            [.. args], timeout.Token);
        var logs = new ResourceLogs();
        builder.Services.AddLogging(logging => logging.AddProvider(logs)
            .AddFilter<ResourceLogs>(null, LogLevel.Information));
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        foreach (var resource in Databases.Append("rabbitmq").Concat(Projects))
        {
            try
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            }
            catch (DistributedApplicationException e)
            {
                throw new DistributedApplicationException($"{e.Message} Its last lines:{Environment.NewLine}{logs.Tail(resource)}", e);
            }
        }
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var name in Replicated)
        {
            Assert.Equal(2, model.Resources.OfType<ProjectResource>().Single(r => r.Name == name).GetReplicaCount());
        }
        await EveryReplicaHealthyAsync(app, timeout.Token);
        await TwoConsumersOnEachQueueAsync(amqp, id, timeout.Token);

        using var gateway = app.CreateHttpClient("gateway", "http");
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health", timeout.Token)).StatusCode);
        // The 工作台 console answers through the gateway: a browser that is not signed in is sent to sign in.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.BaseAddress };
        var console = await browser.GetAsync("/console/", timeout.Token);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Contains("/console/signin", console.Headers.Location!.ToString());

        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104")));
        var created = await gateway.PostAsJsonAsync("/api/alliances",
            new { name = "锦江区教联体", kind = "Regional", countyCode = "510104", leadUnit = "成都市锦江区教育局" }, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var known = await Eventually.Until(
            async () => await gateway.GetStringAsync("/api/activities/alliances", timeout.Token),
            text => JsonDocument.Parse(text).RootElement.GetProperty("total").GetInt64() == 1,
            TimeSpan.FromSeconds(60));
        Assert.Equal(1, JsonDocument.Parse(known).RootElement.GetProperty("total").GetInt64());
    }

    /// <summary>Every replica (an instance of its resource, with an id of its own) reports healthy, not only the first.</summary>
    private static async Task EveryReplicaHealthyAsync(DistributedApplication app, CancellationToken ct)
    {
        var healthy = new Dictionary<string, HashSet<string>>();
        using (var watching = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            watching.CancelAfter(TimeSpan.FromMinutes(3));
            try
            {
                await foreach (var update in app.ResourceNotifications.WatchAsync(watching.Token))
                {
                    if (Replicated.Contains(update.Resource.Name) && update.Snapshot.HealthStatus == HealthStatus.Healthy)
                    {
                        (healthy.TryGetValue(update.Resource.Name, out var ids) ? ids : healthy[update.Resource.Name] = []).Add(update.ResourceId);
                    }
                    if (healthy.Count == Replicated.Length && healthy.Values.All(ids => ids.Count == 2))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Reported below.
            }
        }
        foreach (var name in Replicated)
        {
            Assert.True(healthy.TryGetValue(name, out var ids) && ids.Count == 2,
                $"{name}: {(healthy.TryGetValue(name, out var some) ? string.Join(", ", some) : "no")} replica(s) healthy");
        }
    }

    /// <summary>The two replicas of a service compete on its one queue.</summary>
    private static async Task TwoConsumersOnEachQueueAsync(string amqp, string virtualHost, CancellationToken ct)
    {
        var broker = new Uri(amqp);
        var factory = new ConnectionFactory { Uri = new Uri($"{broker.Scheme}://{broker.UserInfo}@{broker.Host}:{broker.Port}/{Uri.EscapeDataString(virtualHost)}") };
        await using var connection = await factory.CreateConnectionAsync(ct);
        foreach (var service in Services)
        {
            var consumers = await Eventually.Until(async () =>
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
                // Subscriptions' relay queue has a single active consumer: both replicas are on it, one consumes.
                return (await channel.QueueDeclarePassiveAsync(service == "subscriptions" ? "subscriptions-relay" : service, ct)).ConsumerCount;
            }, count => count == 2, TimeSpan.FromMinutes(2));
            Assert.True(consumers == 2, $"{service}: {consumers} consumer(s) on its queue");
        }
    }
}
