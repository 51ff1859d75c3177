using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.BenchKit;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using JiaoLianTi.Wellbeing.Contracts;
using JiaoLianTi.Alliances.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// 订阅基准 / Subscriptions benchmark. 50 departmental subscriptions (25 AMQP queues with their own users, 25 webhooks
// to a real Kestrel receiver), each on one of 5 event types for the city 5101; integration events of those types, in
// 5 counties of 5101, are published onto the broker at 200 events/s for 60 s, as the owning services' outboxes
// publish them after commit (each event reaches 5 AMQP and 5 webhook subscriptions). Measured: the latency from that
// publish to receipt by the subscriber (queue or webhook), with the broker's and PostgreSQL's raw baselines of the
// same run. The owning services' own outbox lag (commit → publish) is measured by their benchmarks.
//   benchmarks/run.sh Subscriptions.Benchmarks [eventsPerSecond=200] [seconds=60]

Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var rate = args.Length > 0 ? int.Parse(args[0]) : 200;
var seconds = args.Length > 1 ? int.Parse(args[1]) : 60;
var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES") ?? throw new InvalidOperationException("run with benchmarks/run.sh");
var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP")!;
string[] types = ["HazardAssigned", "HazardReported", "ReferralMade", "NeedRaised", "ResponsibilityAssigned"];
string[] counties = ["510104", "510105", "510106", "510107", "510108"];

Console.WriteLine($"订阅基准 Subscriptions benchmark: 25 AMQP + 25 webhook subscriptions, {types.Length} event types, {rate} events/s for {seconds} s, {Environment.ProcessorCount} cores (shared, noisy)");
await Baselines.PrintAsync(postgres, amqp);

var system = new TestSystem().WithSubscriptions();
await system.InitializeAsync();
var clock = Stopwatch.StartNew();
var sentAt = new ConcurrentDictionary<Guid, double>();
var amqpLatencies = new Latencies();
var webhookLatencies = new Latencies();
long received = 0;
void Receipt(string id, Latencies latencies)
{
    if (Guid.TryParse(id, out var eventId) && sentAt.TryGetValue(eventId, out var at))
    {
        latencies.Add(TimeSpan.FromMilliseconds(clock.Elapsed.TotalMilliseconds - at));
        Interlocked.Increment(ref received);
    }
}

// The webhook receiver: answers 204 at once, notes the receipt by webhook-id.
var receiverBuilder = WebApplication.CreateSlimBuilder();
receiverBuilder.Logging.ClearProviders();
receiverBuilder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
await using var receiver = receiverBuilder.Build();
receiver.MapPost("/hook/{n:int}", async (HttpContext http) =>
{
    await http.Request.Body.CopyToAsync(Stream.Null);
    Receipt(http.Request.Headers["webhook-id"].ToString(), webhookLatencies);
    return Results.NoContent();
});
await receiver.StartAsync();
var receiverUrl = receiver.Urls.First();

var connections = new List<IConnection>();
try
{
    using var http = new HttpClient { BaseAddress = system.GatewayAddress, Timeout = TimeSpan.FromSeconds(60) };
    var city = TestSystem.Token(new TokenRequest(Role.CityAdmin, "5101", Subject: "bench-city"));
    for (var i = 0; i < 50; i++)
    {
        var webhook = i % 2 == 1;
        var department = new[] { Department.PublicSecurity, Department.Health, Department.CivilAffairs }[i % 3];
        var officer = TestSystem.Token(new TokenRequest(Role.DepartmentOfficer, "5101", Subject: $"bench-officer-{i}", Department: department));
        var requested = await Send(HttpMethod.Post, "/api/subscriptions", officer, new
        {
            name = $"基准订阅 {i}", eventTypes = new[] { types[i % types.Length] }, region = "5101",
            delivery = webhook ? "Webhook" : "Amqp", webhookUrl = webhook ? $"{receiverUrl}/hook/{i}" : null,
        });
        var subscription = await requested.Content.ReadFromJsonAsync<JsonElement>();
        var id = subscription.GetProperty("id").GetGuid();
        var approved = await Send(HttpMethod.Post, $"/api/subscriptions/{id}/approve", city, new { legalBasis = "基准 / benchmark" }, requested.Headers.ETag!.Tag);
        if (webhook)
        {
            continue;
        }
        var version = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
        while (true)
        {
            var state = await (await Send(HttpMethod.Get, $"/api/subscriptions/{id}", officer, null)).Content.ReadFromJsonAsync<JsonElement>();
            if (state.TryGetProperty("broker", out var b) && b.ValueKind == JsonValueKind.Object && b.GetProperty("version").GetInt64() >= version) break;
            await Task.Delay(100);
        }
        var credentials = await (await Send(HttpMethod.Post, $"/api/subscriptions/{id}/credentials", officer, null)).Content.ReadFromJsonAsync<JsonElement>();
        var connection = await new ConnectionFactory
        {
            HostName = credentials.GetProperty("host").GetString()!, Port = credentials.GetProperty("port").GetInt32(),
            VirtualHost = credentials.GetProperty("virtualHost").GetString()!, UserName = credentials.GetProperty("username").GetString()!,
            Password = credentials.GetProperty("password").GetString()!,
        }.CreateConnectionAsync();
        connections.Add(connection);
        var channel = await connection.CreateChannelAsync();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Receipt(delivery.BasicProperties.MessageId ?? "", amqpLatencies);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(credentials.GetProperty("queue").GetString()!, autoAck: true, consumer);
    }
    Console.WriteLine($"订阅 subscriptions      50 approved (25 AMQP queues with their own users, 25 webhooks), setup {clock.Elapsed.TotalSeconds:N1} s");

    // Load: every 50 ms a tick publishes its share, concurrently; each event to 5 AMQP + 5 webhook subscriptions.
    var total = rate * seconds;
    var published = 0;
    var ticks = Stopwatch.StartNew();
    var publishing = new List<Task>();
    var perTick = rate / 20.0;
    var due = 0.0;
    while (published < total)
    {
        due += perTick;
        var batch = Math.Min(total - published, (int)Math.Floor(due) - published);
        for (var k = 0; k < batch; k++)
        {
            var n = published + k;
            publishing.Add(Publish(types[n % types.Length], counties[n / types.Length % counties.Length]));
        }
        published += batch;
        var next = TimeSpan.FromMilliseconds(50 * Math.Ceiling(ticks.Elapsed.TotalMilliseconds / 50 + 0.001));
        await Task.Delay(next - ticks.Elapsed is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        publishing.RemoveAll(t => t.IsCompleted);
    }
    await Task.WhenAll(publishing);
    var sendSeconds = ticks.Elapsed.TotalSeconds;
    Console.WriteLine($"发布 published           {total:N0} events in {sendSeconds:N1} s ({total / sendSeconds:N0}/s)");

    var expected = (long)total * 10;
    var drain = Stopwatch.StartNew();
    while (Interlocked.Read(ref received) < expected && drain.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(200);
    }
    Console.WriteLine($"收到 received            {Interlocked.Read(ref received):N0} of {expected:N0} deliveries, the last {drain.Elapsed.TotalSeconds:N1} s after the last publish");
    Console.WriteLine($"AMQP    publish→receipt  {amqpLatencies.Summary()}");
    Console.WriteLine($"Webhook publish→receipt  {webhookLatencies.Summary()}");
    Console.WriteLine($"负载 load average        {File.ReadAllText("/proc/loadavg").Trim()}");
}
finally
{
    foreach (var connection in connections) await connection.DisposeAsync();
    await system.DisposeAsync();
}

async Task Publish(string type, string county)
{
    var id = Guid.CreateVersion7();
    var school = Guid.NewGuid();
    var now = DateTimeOffset.UtcNow;
    sentAt[id] = clock.Elapsed.TotalMilliseconds;
    await (type switch
    {
        "HazardAssigned" => system.PublishAsync(new HazardAssigned(Guid.NewGuid(), school, county, "Security", Guid.NewGuid(), now.AddHours(24), now), id),
        "HazardReported" => system.PublishAsync(new HazardReported(Guid.NewGuid(), school, county, "Traffic", now), id),
        "ReferralMade" => system.PublishAsync(new ReferralMade(Guid.NewGuid(), Guid.NewGuid(), school, Guid.NewGuid(), county, "Routine", now), id),
        "NeedRaised" => system.PublishAsync(new NeedRaised(Guid.NewGuid(), Guid.NewGuid(), school, "Safety", county, now), id),
        _ => system.PublishAsync(new ResponsibilityAssigned(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "护学岗",
            DateOnly.FromDateTime(now.UtcDateTime).AddDays(30), county, now), id),
    });
}

async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body, string? ifMatch = null)
{
    using var http = new HttpClient { BaseAddress = system.GatewayAddress, Timeout = TimeSpan.FromSeconds(60) };
    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
    var response = await http.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
    return response;
}
