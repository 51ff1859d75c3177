using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.BenchKit;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Referrals;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// 订阅基准 / Subscriptions benchmark. 50 departmental subscriptions (25 AMQP queues with their own users, 25 webhooks
// to a real Kestrel receiver), each on one of 5 event types for the city 5101. The load is committed into the owning
// services' own event stores, as their command handlers commit (CampusSafety: a hazard filed and assigned in one
// transaction, HazardReported + HazardAssigned; Wellbeing: ReferralMade; Alliances: NeedRaised, ResponsibilityAssigned),
// in 5 counties of 5101, at 200 events/s for 60 s; each event reaches 5 AMQP and 5 webhook subscriptions. From there
// the real path: the service's publisher (below its high-water mark) → broker → the subscriptions service's relay →
// topic exchange → queue, or → webhook delivery → POST. Measured: the latency from just before the commit to receipt
// by the subscriber, beside the broker's and PostgreSQL's raw latencies measured in the same run.
// Before the measured load, the same load runs for a while (20 s) and is reported apart: the figures are a warm
// system's; the warm-up's show what a process just started goes through.
//   benchmarks/run.sh Subscriptions.Benchmarks [eventsPerSecond=200] [seconds=60] [warmSeconds=20]

Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var rate = args.Length > 0 ? int.Parse(args[0]) : 200;
var seconds = args.Length > 1 ? int.Parse(args[1]) : 60;
var warmSeconds = args.Length > 2 ? int.Parse(args[2]) : 20;
var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES") ?? throw new InvalidOperationException("run with benchmarks/run.sh");
var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP")!;
string[] types = ["HazardAssigned", "HazardReported", "ReferralMade", "NeedRaised", "ResponsibilityAssigned"];
string[] counties = ["510104", "510105", "510106", "510107", "510108"];

Console.WriteLine($"订阅基准 Subscriptions benchmark: 25 AMQP + 25 webhook subscriptions, {types.Length} event types, {rate} events/s for {seconds} s, {Environment.ProcessorCount} cores (shared, noisy)");
await Baselines.PrintAsync(postgres, amqp);
Console.WriteLine($"基线 baseline  PostgreSQL one-row commit, 1 client:       {await PostgresCommitLatency(postgres)}");
Console.WriteLine($"基线 baseline  RabbitMQ publish (confirmed) → consume:   {await RabbitRoundTrip(amqp)}");

var system = new TestSystem().WithSubscriptions();
await system.InitializeAsync();
var clock = Stopwatch.StartNew();
var sentAt = new ConcurrentDictionary<Guid, double>();
var stores = new Dictionary<string, IDocumentStore>
{
    ["campussafety"] = system.Services("campussafety").GetRequiredService<IDocumentStore>(),
    ["wellbeing"] = system.Services("wellbeing").GetRequiredService<IDocumentStore>(),
    ["alliances"] = system.Services("alliances").GetRequiredService<IDocumentStore>(),
};
var amqpLatencies = new Latencies();
var commits = new Latencies();
var webhookLatencies = new Latencies();
long received = 0;
var published = new Latencies(); // commit → the owning service's publish (the CloudEvent's time is its SentTime)
var relayed = new Latencies();   // that publish → receipt
var wallAt = new ConcurrentDictionary<Guid, DateTimeOffset>();
// The latencies by when the event was committed, in windows of 10 s of the load: a stall shows as one window, a sender
// that cannot keep up as windows growing one after another.
var byWindow = new ConcurrentDictionary<(int Window, bool Webhook), Latencies>();
var loadFrom = double.MaxValue;
var firstReceipt = new ConcurrentDictionary<Guid, byte>();
// Each subscription's receipts by event id: a repeat (the same id again) is counted, not measured.
var receipts = new ConcurrentDictionary<(int Subscription, Guid Event), byte>();
long repeats = 0;
void Receipt(int subscription, string id, ReadOnlySpan<byte> body, Latencies latencies)
{
    if (Guid.TryParse(id, out var eventId) && sentAt.TryGetValue(eventId, out var at))
    {
        if (!receipts.TryAdd((subscription, eventId), 0))
        {
            Interlocked.Increment(ref repeats);
            return;
        }
        var latency = TimeSpan.FromMilliseconds(clock.Elapsed.TotalMilliseconds - at);
        latencies.Add(latency);
        if (at >= loadFrom)
        {
            byWindow.GetOrAdd(((int)((at - loadFrom) / 10_000), latencies == webhookLatencies), _ => new()).Add(latency);
        }
        Interlocked.Increment(ref received);
        var time = TimeOf(body);
        if (wallAt.TryGetValue(eventId, out var committedAt) && firstReceipt.TryAdd(eventId, 0))
        {
            published.Add(time - committedAt);
        }
        relayed.Add(DateTimeOffset.UtcNow - time);
    }
}

// The CloudEvent's "time" (the owning service's publish), read without building a document: the harness shares the
// machine with what it measures, 2,000 receipts a second at 200 events/s.
static DateTimeOffset TimeOf(ReadOnlySpan<byte> body)
{
    var reader = new Utf8JsonReader(body);
    while (reader.Read())
    {
        if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("time"u8))
        {
            reader.Read();
            return reader.GetDateTimeOffset();
        }
        if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
        {
            reader.Skip();
        }
    }
    throw new InvalidOperationException("a CloudEvent without time");
}

// The webhook receiver: answers 204 at once, notes the receipt by webhook-id.
var receiverBuilder = WebApplication.CreateSlimBuilder();
receiverBuilder.Logging.ClearProviders();
receiverBuilder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
await using var receiver = receiverBuilder.Build();
receiver.MapPost("/hook/{n:int}", async (HttpContext http) =>
{
    using var body = new MemoryStream();
    await http.Request.Body.CopyToAsync(body);
    Receipt(int.Parse((string)http.Request.RouteValues["n"]!), http.Request.Headers["webhook-id"].ToString(), body.ToArray(), webhookLatencies);
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
        var index = i;
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Receipt(index, delivery.BasicProperties.MessageId ?? "", delivery.Body.Span, amqpLatencies);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(credentials.GetProperty("queue").GetString()!, autoAck: true, consumer);
    }
    Console.WriteLine($"订阅 subscriptions      50 approved (25 AMQP queues with their own users, 25 webhooks), setup {clock.Elapsed.TotalSeconds:N1} s");

    // Warm-up (not measured): one event of each type through every path, so that the services' publishers are open.
    await Task.WhenAll(types.Where(t => t != "HazardAssigned").Select(t => Commit(t, counties[0])));
    var warm = Stopwatch.StartNew();
    while (Interlocked.Read(ref received) < types.Length * 10 && warm.Elapsed < TimeSpan.FromMinutes(2))
    {
        await Task.Delay(100);
    }
    Console.WriteLine($"预热 warm-up             {Interlocked.Read(ref received)} of {types.Length * 10} deliveries in {warm.Elapsed.TotalSeconds:N1} s");

    // Load: every 50 ms a tick commits its share, concurrently (one transaction per command; a hazard's two events in one).
    async Task<double> Load(int total)
    {
        var committed = 0;
        var ticks = Stopwatch.StartNew();
        var committing = new List<Task>();
        var perTick = rate / 20.0;
        var due = 0.0;
        while (committed < total)
        {
            due += perTick;
            var batch = Math.Min(total - committed, (int)Math.Floor(due) - committed);
            for (var k = 0; k < batch; k++)
            {
                var n = committed + k;
                var type = types[n % types.Length];
                if (type != "HazardAssigned") // committed with its HazardReported
                {
                    committing.Add(Commit(type, counties[n / types.Length % counties.Length]));
                }
            }
            committed += batch;
            var next = TimeSpan.FromMilliseconds(50 * Math.Ceiling(ticks.Elapsed.TotalMilliseconds / 50 + 0.001));
            await Task.Delay(next - ticks.Elapsed is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            committing.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(committing);
        return ticks.Elapsed.TotalSeconds;
    }

    async Task<TimeSpan> Drain(long expected)
    {
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref received) < expected && drain.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(200);
        }
        return drain.Elapsed;
    }

    void Reset()
    {
        (amqpLatencies, webhookLatencies, published, relayed, commits) = (new(), new(), new(), new(), new());
        firstReceipt.Clear();
        byWindow.Clear();
        Interlocked.Exchange(ref received, 0);
        Interlocked.Exchange(ref repeats, 0);
        receipts.Clear();
        sentAt.Clear();
        wallAt.Clear();
    }

    void PrintWindows()
    {
        Console.WriteLine("  每 10 秒 by 10 s of the load (when committed): p95 AMQP / webhook");
        foreach (var window in byWindow.Keys.Select(k => k.Window).Distinct().Order())
        {
            string P95(bool webhook) => byWindow.TryGetValue((window, webhook), out var l) ? $"{l.Percentile(95):N0}" : "-";
            Console.WriteLine($"  {window * 10,5}–{window * 10 + 10,3} s   {P95(false),7} / {P95(true),7} ms");
        }
    }

    // Warm-up at the full rate, reported apart: each process's code starts unoptimised, and under load the runtime
    // compiles its hot methods again, optimised (tiered compilation), on the same cores. A system that has run for a
    // while is past that; a process just started (a new replica) goes through it once. 0 leaves it out.
    if (warmSeconds > 0)
    {
        Reset();
        loadFrom = clock.Elapsed.TotalMilliseconds;
        var took = await Load(rate * warmSeconds);
        var drained = await Drain((long)rate * warmSeconds * 10);
        Console.WriteLine($"满载预热 warm-up         {rate * warmSeconds:N0} events in {took:N1} s, {Interlocked.Read(ref received):N0} of {rate * warmSeconds * 10:N0} deliveries, the last {drained.TotalSeconds:N1} s after; not in the figures below");
        Console.WriteLine($"  AMQP p95 {amqpLatencies.Percentile(95):N0} ms, webhook p95 {webhookLatencies.Percentile(95):N0} ms");
        PrintWindows();
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    // Where the time goes (issue 20): every 100 ms, in each owning service's store, the newest committed event, the
    // daemon's high-water mark and the publisher's progress, and the process's CPU and thread pool. A mark or the
    // publisher behind the newest event is behind by the time since the store reached that sequence.
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(() => Sample(sampling.Token));
    Reset();
    var total = rate * seconds;
    loadFrom = clock.Elapsed.TotalMilliseconds;
    var sendSeconds = await Load(total);
    Console.WriteLine($"提交 committed           {total:N0} events in {sendSeconds:N1} s ({total / sendSeconds:N0}/s), commit {commits.Summary()}");

    var expected = (long)total * 10;
    var drainTook = await Drain(expected);
    Console.WriteLine($"收到 received            {Interlocked.Read(ref received):N0} of {expected:N0} deliveries (each subscription's event once; {Interlocked.Read(ref repeats):N0} repeats with the same id besides), the last {drainTook.TotalSeconds:N1} s after the last publish");
    Console.WriteLine($"AMQP    commit→receipt   {amqpLatencies.Summary()}");
    Console.WriteLine($"Webhook commit→receipt   {webhookLatencies.Summary()}");
    Console.WriteLine($"  of which commit→publish (owning service's publisher)  {published.Summary()}");
    Console.WriteLine($"  of which publish→receipt (relay, exchange, webhook)    {relayed.Summary()}");
    PrintWindows();
    await sampling.CancelAsync();
    Console.WriteLine(await sampler);
    Console.WriteLine($"负载 load average        {File.ReadAllText("/proc/loadavg").Trim()}");
}
finally
{
    foreach (var connection in connections) await connection.DisposeAsync();
    await system.DisposeAsync();
}

async Task Commit(string type, string county)
{
    var school = Guid.NewGuid();
    var now = DateTimeOffset.UtcNow;
    var (service, stream, events) = type switch
    {
        "HazardReported" => ("campussafety", Guid.NewGuid(), new object[]
        {
            new HazardReportFiled(Guid.Empty, school, county, "Security", "基准 / benchmark", "南门", "bench", Role.SchoolAdmin, now.AddHours(24), now),
            new HazardReportAssigned(Guid.Empty, school, county, "Security", Guid.NewGuid(), "PoliceStation", now.AddHours(24), now),
        }),
        "ReferralMade" => ("wellbeing", Guid.NewGuid(), new object[]
        {
            new ReferralMade(Guid.Empty, Guid.NewGuid(), school, county, Guid.NewGuid(), Urgency.Routine, new Sealed(Guid.NewGuid(), "基准"), "bench", now),
        }),
        "NeedRaised" => ("alliances", Guid.NewGuid(), new object[]
        {
            new NeedRaised(Guid.Empty, Guid.NewGuid(), school, NeedCategory.Safety, "基准 / benchmark", county, "bench", now),
        }),
        _ => ("alliances", Guid.NewGuid(), new object[]
        {
            new ResponsibilityAssigned(Guid.Empty, Guid.NewGuid(), Guid.NewGuid(), "护学岗", "基准 / benchmark",
                DateOnly.FromDateTime(now.UtcDateTime).AddDays(30), 30, county, null, "bench", now),
        }),
    };
    // The aggregate's id is the stream's, as the command handlers make them.
    events = [.. events.Select(e => e switch
    {
        HazardReportFiled f => f with { ReportId = stream },
        HazardReportAssigned g => g with { ReportId = stream },
        ReferralMade r => r with { ReferralId = stream },
        NeedRaised d => d with { NeedId = stream },
        ResponsibilityAssigned a => (object)(a with { ResponsibilityId = stream }),
        _ => e,
    })];
    await using var session = stores[service].LightweightSession();
    var action = session.Events.StartStream(stream, events);
    var at = clock.Elapsed.TotalMilliseconds;
    var wall = DateTimeOffset.UtcNow;
    foreach (var e in action.Events)
    {
        sentAt[e.Id] = at;
        wallAt[e.Id] = wall;
    }
    await session.SaveChangesAsync();
    commits.Add(TimeSpan.FromMilliseconds(clock.Elapsed.TotalMilliseconds - at));
}

// Samples every 100 ms until cancelled, then says how far behind the newest committed event each service's high-water
// mark and publisher were (in time: since the store first held that sequence), and how busy the process was.
async Task<string> Sample(CancellationToken ct)
{
    var seen = stores.Keys.ToDictionary(k => k, _ => new List<(double At, long Sequence)>());
    var markLag = stores.Keys.ToDictionary(k => k, _ => new Latencies());
    var publisherLag = stores.Keys.ToDictionary(k => k, _ => new Latencies());
    var stuck = stores.Keys.ToDictionary(k => k, _ => 0);
    var samples = stores.Keys.ToDictionary(k => k, _ => 0);
    var pending = new List<long>();
    var threads = new List<int>();
    var cpu = Stopwatch.StartNew();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var postgresBefore = CpuOf("postgres");
    var rabbitBefore = CpuOf("beam.smp");
    while (!ct.IsCancellationRequested)
    {
        foreach (var (service, store) in stores)
        {
            await using var session = store.QuerySession();
            var row = (await session.AdvancedSql.QueryAsync<string>(
                "select coalesce((select max(seq_id) from jlt.mt_events), 0) || ',' || " +
                "coalesce((select last_seq_id from jlt.mt_event_progression where name = 'HighWaterMark'), 0) || ',' || " +
                "coalesce((select last_seq_id from jlt.mt_event_progression where name = 'integration-events:All'), 0) || ',' || " +
                "coalesce((select last_seq_id from jlt.mt_event_progression where name = 'HighWaterStuckGap'), -1)",
                CancellationToken.None)).Single().Split(',').Select(long.Parse).ToArray();
            var now = clock.Elapsed.TotalMilliseconds;
            var history = seen[service];
            if (history.Count == 0 || history[^1].Sequence < row[0]) history.Add((now, row[0]));
            double Since(long sequence) => history.FirstOrDefault(h => h.Sequence >= sequence) is { At: > 0 } h ? now - h.At : 0;
            // Behind only when there is something newer: a mark at the newest event is 0 behind.
            markLag[service].Add(TimeSpan.FromMilliseconds(row[1] >= row[0] ? 0 : Since(row[1] + 1)));
            publisherLag[service].Add(TimeSpan.FromMilliseconds(row[2] >= row[0] ? 0 : Since(row[2] + 1)));
            if (row[3] == row[1] && row[1] < row[0]) stuck[service]++;
            samples[service]++;
        }
        pending.Add(ThreadPool.PendingWorkItemCount);
        threads.Add(ThreadPool.ThreadCount);
        try { await Task.Delay(100, ct); } catch (OperationCanceledException) { }
    }
    var seconds = cpu.Elapsed.TotalSeconds;
    var lines = new List<string>();
    foreach (var service in stores.Keys)
    {
        lines.Add($"  {service,-12} high-water mark behind the newest event  {markLag[service].Summary()}");
        lines.Add($"  {"",-12} publisher behind the newest event        {publisherLag[service].Summary()}");
        lines.Add($"  {"",-12} mark held at a gap Marten keeps as stuck (HighWaterStuckGap): {stuck[service]} of {samples[service]} samples");
    }
    lines.Add($"  CPU (cores busy over the load): this process (the whole system) {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / seconds:F2}, " +
        $"PostgreSQL {(CpuOf("postgres") - postgresBefore) / seconds:F2}, RabbitMQ {(CpuOf("beam.smp") - rabbitBefore) / seconds:F2}, of {Environment.ProcessorCount}");
    lines.Add($"  thread pool: threads p50 {threads.Order().ElementAt(threads.Count / 2)} max {threads.Max()}, queued work items p50 {pending.Order().ElementAt(pending.Count / 2)} max {pending.Max()}");
    return "时间去向 where the time goes (sampled every 100 ms)\n" + string.Join("\n", lines);
}

// CPU seconds used so far by this run's PostgreSQL (the postmaster listening on the run's port and its backends) or
// RabbitMQ (the node of the run), from /proc: other clusters on the shared machine are not counted.
static double CpuOf(string name)
{
    var port = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES")).Port.ToString();
    var node = Environment.GetEnvironmentVariable("JLT_TEST_RABBIT_NODE") ?? "";
    var processes = new List<(int Pid, int Parent, string Command, long Ticks)>();
    foreach (var dir in Directory.GetDirectories("/proc").Where(d => char.IsDigit(Path.GetFileName(d)[0])))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            if (command.Contains("beam.smp"))
            {
                command += " " + File.ReadAllText(Path.Combine(dir, "environ")).Replace('\0', ' ');
            }
            processes.Add((int.Parse(Path.GetFileName(dir)), int.Parse(fields[1]), command, long.Parse(fields[11]) + long.Parse(fields[12])));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
    }
    var roots = processes.Where(p => name == "postgres"
        ? p.Command.Contains("bin/postgres") && p.Command.Contains($"-p {port} ")
        : p.Command.Contains("beam.smp") && node.Length > 0 && p.Command.Contains($"RABBITMQ_NODENAME={node} ")).Select(p => p.Pid).ToHashSet();
    return processes.Where(p => roots.Contains(p.Pid) || roots.Contains(p.Parent)).Sum(p => p.Ticks) / 100.0;
}

static async Task<string> PostgresCommitLatency(string connectionString)
{
    var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
    await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
    var table = "baseline_" + Guid.NewGuid().ToString("N")[..8];
    await using (var create = source.CreateCommand($"create table {table} (id bigserial primary key, body jsonb not null)")) await create.ExecuteNonQueryAsync();
    var latencies = new Latencies();
    await using (var connection = await source.OpenConnectionAsync())
    {
        await using var insert = new NpgsqlCommand($"insert into {table} (body) values ('{{\"a\":1}}'::jsonb)", connection);
        for (var i = 0; i < 500; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await insert.ExecuteNonQueryAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started));
        }
    }
    await using (var drop = source.CreateCommand($"drop table {table}")) await drop.ExecuteNonQueryAsync();
    return latencies.Summary();
}

static async Task<string> RabbitRoundTrip(string amqpUri)
{
    await using var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
    await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
    var queue = (await channel.QueueDeclareAsync("baseline-rtt-" + Guid.NewGuid().ToString("N")[..8], durable: true, exclusive: false, autoDelete: true)).QueueName;
    var latencies = new Latencies();
    var arrived = new SemaphoreSlim(0);
    long sentTicks = 0;
    await using var consuming = await connection.CreateChannelAsync();
    var consumer = new AsyncEventingBasicConsumer(consuming);
    consumer.ReceivedAsync += (_, _) =>
    {
        latencies.Add(Stopwatch.GetElapsedTime(Interlocked.Read(ref sentTicks)));
        arrived.Release();
        return Task.CompletedTask;
    };
    await consuming.BasicConsumeAsync(queue, autoAck: true, consumer);
    var body = new byte[512];
    for (var i = 0; i < 500; i++)
    {
        Interlocked.Exchange(ref sentTicks, Stopwatch.GetTimestamp());
        await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties { Persistent = true }, body);
        await arrived.WaitAsync();
    }
    return latencies.Summary();
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
