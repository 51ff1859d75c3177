using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using JiaoLianTi.BenchKit;
using Marten;
using Npgsql;
using RabbitMQ.Client;

// 系统基准 / The running system measured from outside (issue 20). benchmarks/system.sh passes the addresses:
//   --gateway URL --alliances URL [--activities URL --parentschool URL --campussafety URL --wellbeing URL]
//   --postgres CS --amqp URI [--seconds N] [--clients N] [--rates 50,200,500] [--only NAME,...]
//   [--parents 10000 --seats 500 --storm-clients 256] [--lesson-parents 200] [--slices 4] [--idle-seconds 80]
// Parts (--only): baselines, ping, commands, reads (Alliances), activities, parentschool, campussafety, wellbeing,
// storm, lessons, propagation, saturation; province, load and count only when named.
// Every figure is printed beside the baseline it is read against and the load average when it was taken: the machine
// is shared, and only the ratio to what the raw servers do at that moment means something.
var options = Options.Parse(args);
var report = new Report();
Console.WriteLine($"系统基准 system benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
    $"{options.Seconds} s a figure, {options.Clients} clients (each its own token subject)");

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = 1024,
    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
})
{ Timeout = TimeSpan.FromSeconds(10) };

var bench = new Bench(http, options, report, args);
// What the idle system uses, before anything is asked of it: the settles after the figures wait for that (Bench.cs).
await bench.Cpu.MeasureFloorAsync();
if (bench.Cpu.FloorMsPerSecond > 0)
{
    Console.WriteLine($"the system idle: {bench.Cpu.FloorMsPerSecond / 10:F1} % of a core");
}

// 1. The machine's raw baselines, in this run.
double pgInserts = 0, martenAppends = 0, rabbitPublishes = 0;
if (options.Wants("baselines"))
{
    var load = Load.Now();
    pgInserts = await Baselines.PostgresInsertsPerSecond(options.Postgres, clients: 16, seconds: options.Seconds);
    report.Row("baseline: PostgreSQL one-row inserts, 16 clients", pgInserts, null, null, null, load);
    load = Load.Now();
    martenAppends = await RawMarten.QuickAppendsPerSecond(options.Postgres, clients: 16, seconds: options.Seconds);
    report.Row("baseline: Marten quick appends (a stream each), 16 clients", martenAppends, "PG inserts", pgInserts, null, load);
    load = Load.Now();
    rabbitPublishes = await Baselines.RabbitPublishesPerSecond(options.Amqp, seconds: options.Seconds);
    report.Row("baseline: RabbitMQ persistent publishes, confirms", rabbitPublishes, null, null, null, load);
}

// Tokens with distinct subjects, more than the clients (Bench.Subjects, taken in turn): the per-client rate limit
// (100/s a subject) is not what is measured.
var county = "510104";
var admins = await Tokens(Enumerable.Range(0, Bench.Subjects(options)).Select(i =>
    new { role = "CountyAdmin", region = county, subject = $"bench-admin-{i}" }));

// 2. A trivial signed-in request, straight to the service and through the gateway: the gateway's cost per request.
var pingStraight = 0.0;
if (options.Wants("ping"))
{
    (pingStraight, _) = await bench.Paired("ping straight to Alliances (GET /api/alliances/ping)", null, null,
        i => Send(HttpMethod.Get, $"{options.Alliances}/api/alliances/ping", admins[i % admins.Length]),
        "ping through the gateway", i => Send(HttpMethod.Get, $"{options.Gateway}/api/alliances/ping", admins[i % admins.Length]));
}

// 3. A command (register a unit) and reads (a list, a detail), straight and through the gateway.
var registered = new ConcurrentBag<Guid>();
object UnitBody(int i) => new { kind = "Library", name = $"基准图书馆{Guid.NewGuid():N}"[..16], countyCode = county };
double commandStraight = 0;
if (options.Wants("commands"))
{
    // Straight and through the gateway in turns (Bench.Paired), each slice from a quiet system: five services consume
    // every unit, and their catching up after a slice is not paid by the next.
    (commandStraight, _) = await bench.Paired("command straight: POST /api/alliances/units", "PG inserts", pgInserts,
        i => Send(HttpMethod.Post, $"{options.Alliances}/api/alliances/units", admins[i % admins.Length], UnitBody(i), registered),
        "command through the gateway: POST /api/alliances/units",
        i => Send(HttpMethod.Post, $"{options.Gateway}/api/alliances/units", admins[i % admins.Length], UnitBody(i), registered),
        drained: true);
    report.Ratio("  the same (straight), against raw Marten appends", commandStraight, "Marten appends", martenAppends);
    await SettleAfter("the commands");
}

// Each command is consumed by four other services after its 201: the next figure waits until they have caught up
// (the system under 10 % of a core, or 5 % above its idle floor, for 3 s), or it would be measured on the CPU they take and counted as its own.
async Task SettleAfter(string figure)
{
    if (await bench.Cpu.SettleAsync(TimeSpan.FromMinutes(3)) is { } settled)
    {
        Console.WriteLine($"after {figure}: the system was quiet after {settled.TotalSeconds:F0} s");
    }
}
if (options.Wants("reads"))
{
    var list = $"/api/alliances/units/?county={county}";
    await bench.Paired($"list straight: GET {list}", null, null, i => Send(HttpMethod.Get, options.Alliances + list, admins[i % admins.Length]),
        "list through the gateway", i => Send(HttpMethod.Get, options.Gateway + list, admins[i % admins.Length]));
    var some = registered.Take(options.Clients).ToArray();
    if (some.Length == 0)
    {
        some = [await RegisterOne()];
    }
    await bench.Paired("detail straight: GET /api/alliances/units/{id}", null, null,
        i => Send(HttpMethod.Get, $"{options.Alliances}/api/alliances/units/{some[i % some.Length]}", admins[i % admins.Length]),
        "detail through the gateway",
        i => Send(HttpMethod.Get, $"{options.Gateway}/api/alliances/units/{some[i % some.Length]}", admins[i % admins.Length]));
}

// 3b. A command, a list and a detail read on each other service, straight and through the gateway (Services.cs); the
// registration storm (Storm.cs); lesson progress (LessonProgress.cs).
await ServiceScenarios.RunAsync(bench, pgInserts, pingStraight);
if (options.Wants("storm"))
{
    await Storm.RunAsync(bench, pgInserts);
}
if (options.Wants("lessons"))
{
    await LessonProgress.RunAsync(bench, pgInserts);
}

// 4. Propagation: MemberUnitRegistered from the 201 to a queue bound on the broker as another service's is, with
// the commands sent open-loop at a fixed rate (each rate for the same time).
if (options.Wants("propagation"))
{
    foreach (var rate in options.Rates)
    {
        await Propagation(rate);
    }
}

// 5. Saturation: open loop at twice the command capacity just measured, then at half of it. Past capacity the system
// should answer 429/503 with Retry-After rather than time out, and recover when the load drops.
if (options.Wants("saturation"))
{
    // The capacity is measured here, warm (after --seconds of the same load, not counted) and with enough commands in
    // flight to fill the system: the command figure of part 3 is the run's first (cold: its processes still compiling)
    // and has only --clients in flight, and twice that was once less than the warm system took (170 of 187 a second
    // answered 201, none refused).
    var saturating = Math.Max(64, options.Clients * 4);
    var capacity = await bench.ClosedLoop($"capacity: POST units via gateway, {saturating} in flight", null, null,
        i => Send(HttpMethod.Post, $"{options.Gateway}/api/alliances/units", admins[i % admins.Length], UnitBody(i), registered),
        clients: saturating, note: $"after {options.Seconds} s of the same, not counted", warmSeconds: options.Seconds);
    await SettleAfter("the capacity");
    capacity = capacity > 0 ? capacity : 200;
    // Twice and four times the capacity, and eight times if nothing was refused yet: the services take a short burst
    // far beyond what the system sustains (their consumers catch up afterwards), so twice may never reach the front
    // door's limits, and those limits are what this part shows.
    for (var factor = 2; ; factor *= 2)
    {
        var refused = await OpenLoop($"saturation: {factor}x capacity, POST units via gateway", (int)(capacity * factor), options.Seconds);
        if (factor >= 4 && (refused > 0 || factor >= 8))
        {
            break;
        }
        await SettleAfter($"{factor}x capacity");
    }
    await OpenLoop("recovery: 0.5x capacity right after", Math.Max(1, (int)(capacity / 2)), options.Seconds);
    // A burst after the system sat idle, as a morning's first minutes find it: long enough (--idle-seconds) for the
    // pools to close their idle connections (./run.sh closes one idle for 60 s, looked at every 10 s). The database
    // sessions opened during the burst say what the pools had to open again.
    Console.WriteLine($"idle for {options.IdleSeconds:F0} s before the next burst");
    await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
    var sessions = await DatabaseSessions();
    await OpenLoop($"after {options.IdleSeconds:F0} s idle: 2x capacity, POST units via gateway", (int)(capacity * 2), options.Seconds,
        async () => $", new database sessions {await DatabaseSessions() - sessions}");
}

// The fault suite's load (scripts/faults.sh): units registered open-loop through the gateway at --rate for --seconds;
// the id of every acknowledged (201) one goes to --acknowledged, and the answers are counted by status.
if (options.Only.Contains("load"))
{
    await Faults.DeclareProbeAsync(options.Amqp);
    await FaultLoad(options.Rates[0]);
    return;
}
if (options.Only.Contains("count"))
{
    await Faults.CountAsync(options);
    return;
}

// 6. A province's data (issue 19): about 20,000 schools over Sichuan's 183 counties through the gateway, then the
// province's coverage (now and as of a date) and a county officer's daily lists, 20 users at once.
if (options.Wants("province"))
{
    await Province.RunAsync(http, options, report, Tokens, bench.Cpu);
}

report.Print();
return;

async Task<string[]> Tokens(IEnumerable<object> requests)
{
    var tokens = new List<string>();
    foreach (var request in requests)
    {
        using var response = await http.PostAsJsonAsync($"{options.Gateway}/dev/token", request);
        response.EnsureSuccessStatusCode();
        tokens.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
    }
    return [.. tokens];
}

async Task<HttpStatusCode> Send(HttpMethod method, string url, string token, object? body = null, ConcurrentBag<Guid>? ids = null)
{
    using var request = new HttpRequestMessage(method, url);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (body is not null)
    {
        request.Content = JsonContent.Create(body);
    }
    using var response = await http.SendAsync(request);
    if (ids is not null && response.StatusCode == HttpStatusCode.Created)
    {
        ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }
    else
    {
        await response.Content.ReadAsByteArrayAsync();
    }
    return response.StatusCode;
}

async Task<Guid> RegisterOne()
{
    var bag = new ConcurrentBag<Guid>();
    await Send(HttpMethod.Post, $"{options.Gateway}/api/alliances/units", admins[0], UnitBody(0), bag);
    return bag.Single();
}

// Requests at a fixed rate whatever the answers (each with a 5 s timeout): what a crowd does to the system.
// Open-loop commands through the gateway; returns how many answers carried Retry-After (429/503).
async Task<int> OpenLoop(string label, int rate, double seconds, Func<Task<string>>? more = null)
{
    var load = Load.Now();
    var latencies = new Latencies();
    var statuses = new ConcurrentDictionary<int, int>();
    var retryAfter = 0;
    var failures = new ConcurrentDictionary<string, int>();
    var total = (int)(rate * seconds);
    var started = Stopwatch.GetTimestamp();
    using var timeout = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2048 }) { Timeout = TimeSpan.FromSeconds(5) };
    await Paced(rate, total, async n =>
    {
        var begun = Stopwatch.GetTimestamp();
        int status;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{options.Gateway}/api/alliances/units")
            {
                Content = JsonContent.Create(UnitBody(n)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admins[n % admins.Length]);
            using var response = await timeout.SendAsync(request);
            status = (int)response.StatusCode;
            if (response.Headers.RetryAfter is not null)
            {
                Interlocked.Increment(ref retryAfter);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            status = 0;
            // Which of the two: the caller gave up after 5 s, or no connection to the gateway was made at all.
            var kind = e is TaskCanceledException ? "timed out"
                : e.InnerException is System.Net.Sockets.SocketException s ? $"connect {s.SocketErrorCode}" : e.GetType().Name;
            failures.AddOrUpdate(kind, 1, (_, k) => k + 1);
        }
        if (status is >= 200 and < 300)
        {
            latencies.Add(Stopwatch.GetElapsedTime(begun));
        }
        statuses.AddOrUpdate(status, 1, (_, k) => k + 1);
    });
    var ok = statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);
    var failed = failures.IsEmpty ? "" : " (" + string.Join(", ", failures.OrderBy(f => f.Key).Select(f => $"{f.Key}: {f.Value}")) + ")";
    report.Row($"{label} ({rate}/s offered)", ok / Stopwatch.GetElapsedTime(started).TotalSeconds, "offered", rate,
        latencies, load, Statuses(statuses) + failed + $", Retry-After on {retryAfter}" + (more is null ? "" : await more()));
    return retryAfter;
}

// Sessions opened on the server so far, over every database (PostgreSQL 14 and later count them).
async Task<long> DatabaseSessions()
{
    await using var connection = new NpgsqlConnection(options.Postgres);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("select coalesce(sum(sessions), 0)::bigint from pg_stat_database", connection);
    return (long)(await command.ExecuteScalarAsync())!;
}

async Task FaultLoad(int rate)
{
    var statuses = new ConcurrentDictionary<string, int>();
    var acknowledged = new ConcurrentBag<Guid>();
    var total = (int)(rate * options.Seconds);
    var started = Stopwatch.GetTimestamp();
    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };
    // faults.sh times its fault from this line, not from the process's start: on a busy machine the start and the probe
    // queue's declaration took over the 4 s, and the broker's kill hit the declaration instead of the load.
    Console.WriteLine("load started");
    await Paced(rate, total, async n =>
    {
        string key;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{options.Gateway}/api/alliances/units")
            {
                Content = JsonContent.Create(UnitBody(n)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admins[n % admins.Length]);
            using var response = await client.SendAsync(request);
            var code = (int)response.StatusCode;
            key = code.ToString(CultureInfo.InvariantCulture);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            }
            else if (code >= 400)
            {
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? "+problem" : "";
                key += (response.Headers.RetryAfter is null ? "" : "+retry-after") + problem;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            key = e is TaskCanceledException ? "timeout" : "refused";
        }
        statuses.AddOrUpdate(key, 1, (_, k) => k + 1);
    });
    await File.WriteAllLinesAsync(options.Acknowledged, acknowledged.Select(id => id.ToString()));
    Console.WriteLine($"sent {total} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s; answers: " +
        string.Join(' ', statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}")));
}

async Task Propagation(int rate)
{
    var factory = new ConnectionFactory { Uri = new Uri(options.Amqp) };
    await using var connection = await factory.CreateConnectionAsync();
    await using var channel = await connection.CreateChannelAsync();
    const string exchange = "JiaoLianTi.Alliances.Contracts:MemberUnitRegistered";
    await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
    var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
    await channel.QueueBindAsync(queue, exchange, "");

    var acknowledged = new ConcurrentDictionary<Guid, long>();
    var arrived = new ConcurrentDictionary<Guid, long>();
    var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
    consumer.ReceivedAsync += (_, delivery) =>
    {
        var at = Stopwatch.GetTimestamp();
        var id = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("message").GetProperty("unitId").GetGuid();
        arrived.TryAdd(id, at);
        return Task.CompletedTask;
    };
    await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
    // Start from a publisher that has caught up: what earlier figures appended is still arriving. Quiet for 2 s (at
    // most 120 s of waiting) means it has.
    var quietSince = Stopwatch.GetTimestamp();
    var seenBefore = 0;
    var giveUp = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
    while (Stopwatch.GetElapsedTime(quietSince) < TimeSpan.FromSeconds(2) && Stopwatch.GetTimestamp() < giveUp)
    {
        await Task.Delay(200);
        if (arrived.Count != seenBefore)
        {
            (seenBefore, quietSince) = (arrived.Count, Stopwatch.GetTimestamp());
        }
    }
    arrived.Clear();

    var load = Load.Now();
    var total = (int)(rate * options.Seconds);
    // The CPU from the first command until Activities applied the last: at a fixed rate the system keeps up with, the
    // whole cost of a command (the consumers' share included), which the closed-loop commands row may leave to the
    // drain after its window.
    var cpuBefore = bench.Cpu.Now();
    var started = Stopwatch.GetTimestamp();
    var notCreated = new ConcurrentDictionary<string, int>();
    var inReadModel = new ConcurrentDictionary<Guid, long>();
    using var stopReading = new CancellationTokenSource();
    var reading = ReadModelSightings(acknowledged, inReadModel, stopReading.Token);
    await Paced(rate, total, async n =>
    {
        var bag = new ConcurrentBag<Guid>();
        try
        {
            var status = await Send(HttpMethod.Post, $"{options.Gateway}/api/alliances/units", admins[n % admins.Length], UnitBody(n), bag);
            if (bag.TryTake(out var id))
            {
                acknowledged[id] = Stopwatch.GetTimestamp();
            }
            else
            {
                notCreated.AddOrUpdate(((int)status).ToString(CultureInfo.InvariantCulture), 1, (_, k) => k + 1);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            notCreated.AddOrUpdate(e is TaskCanceledException ? "timeout" : "refused", 1, (_, k) => k + 1);
        }
    });
    var sent = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
    while (acknowledged.Keys.Any(id => !arrived.ContainsKey(id)) && Stopwatch.GetTimestamp() < deadline)
    {
        await Task.Delay(100);
    }
    // Into another service's read model: Activities keeps the units it learns (jlt.mt_doc_knownunit), polled every
    // 25 ms while the commands were sent and after, so each unit's first sighting is known to about 25 ms.
    stopReading.Cancel();
    await reading;
    var cpu = bench.Cpu.Since(cpuBefore, acknowledged.Count);
    var readModelDelays = Delays(acknowledged, inReadModel);
    var delays = Delays(acknowledged, arrived);
    report.Row($"propagation at {rate}/s offered: 201 -> broker queue", acknowledged.Count / sent, "offered", rate, delays, load,
        $"{delays.Count}/{acknowledged.Count} arrived, {notCreated.Values.Sum()} not 201" +
        (notCreated.IsEmpty ? "" : $" ({string.Join(' ', notCreated.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))})"));
    report.Row($"propagation at {rate}/s offered: 201 -> Activities' read model", acknowledged.Count / sent, "offered", rate,
        readModelDelays, load, $"{readModelDelays.Count}/{acknowledged.Count} applied (polled every 25 ms); until the last applied, {cpu}");
}

// Polls Activities' units (its read model of Alliances' MemberUnitRegistered) for the acknowledged ids not yet seen,
// until every one is seen after the stop is asked for, or 60 s after it.
async Task ReadModelSightings(ConcurrentDictionary<Guid, long> acknowledged, ConcurrentDictionary<Guid, long> seen, CancellationToken stop)
{
    var builder = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = "activitiesdb" };
    await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
    long? giveUpAt = null;
    while (true)
    {
        if (stop.IsCancellationRequested)
        {
            giveUpAt ??= Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
            if (acknowledged.Keys.All(seen.ContainsKey) || Stopwatch.GetTimestamp() > giveUpAt)
            {
                return;
            }
        }
        var waiting = acknowledged.Keys.Where(id => !seen.ContainsKey(id)).ToArray();
        if (waiting.Length > 0)
        {
            try
            {
                await using var command = source.CreateCommand("select id from jlt.mt_doc_knownunit where id = any(@ids)");
                command.Parameters.AddWithValue("ids", waiting);
                await using var reader = await command.ExecuteReaderAsync();
                var now = Stopwatch.GetTimestamp();
                while (await reader.ReadAsync())
                {
                    seen.TryAdd(reader.GetGuid(0), now);
                }
            }
            catch (PostgresException e) when (e.SqlState == "42P01")
            {
                // the table is created with Activities' first unit
            }
        }
        await Task.Delay(25);
    }
}

// Offers `total` calls at `rate` a second on schedule (an open loop: a slow answer does not hold back the next call)
// and waits for them all.
static async Task Paced(int rate, int total, Func<int, Task> call)
{
    var started = Stopwatch.GetTimestamp();
    var inFlight = new List<Task>(total);
    for (var i = 0; i < total; i++)
    {
        var wait = started + (long)(i * Stopwatch.Frequency / (double)rate) - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
        }
        var n = i;
        inFlight.Add(Task.Run(() => call(n)));
    }
    await Task.WhenAll(inFlight);
}

// From each acknowledged id's 201 to its first sighting (an event can be seen before its 201 reaches the client: that
// counts as no delay).
static Latencies Delays(ConcurrentDictionary<Guid, long> acknowledged, ConcurrentDictionary<Guid, long> seen)
{
    var delays = new Latencies();
    foreach (var (id, at) in acknowledged)
    {
        if (seen.TryGetValue(id, out var when))
        {
            delays.Add(TimeSpan.FromSeconds(Math.Max(0, when - at) / (double)Stopwatch.Frequency));
        }
    }
    return delays;
}

static string Statuses(ConcurrentDictionary<int, int> statuses) =>
    string.Join(' ', statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "timeout/refused" : s.Key)}:{s.Value}"));

internal sealed record Options(
    string Gateway, string Alliances, string Postgres, string Amqp, double Seconds, int Clients, int[] Rates, string[] Only,
    string Areas, int SchoolsPerCounty, int Users, string Acknowledged, double IdleSeconds)
{
    public static Options Parse(string[] args)
    {
        string Text(string name, string? fallback = null) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1]
            : fallback ?? throw new ArgumentException($"{name} is required");
        return new Options(
            Text("--gateway", "http://127.0.0.1:5100").TrimEnd('/'), Text("--alliances", "").TrimEnd('/'),
            Text("--postgres"), Text("--amqp"),
            double.Parse(Text("--seconds", "10"), CultureInfo.InvariantCulture), int.Parse(Text("--clients", "16"), CultureInfo.InvariantCulture),
            [.. Text("--rates", "50,200,500").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))],
            Text("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            Text("--areas", "services/Alliances/Alliances/Regions/areas.csv"),
            int.Parse(Text("--schools", "110"), CultureInfo.InvariantCulture), int.Parse(Text("--users", "20"), CultureInfo.InvariantCulture),
            Text("--acknowledged", "acknowledged.txt"), double.Parse(Text("--idle-seconds", "80"), CultureInfo.InvariantCulture));
    }

    public bool Wants(string part) => Only.Length == 0 ? part is not ("province" or "load") : Only.Contains(part);
}

/// <summary>The 1-minute load average: printed beside every figure (a shared machine).</summary>
internal static class Load
{
    public static double Now() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}

/// <summary>Raw Marten: one event appended to a new stream per session, quick append, as the services do.</summary>
internal static class RawMarten
{
    private sealed record BaselineEvent(Guid Id, string Name);

    public static async Task<double> QuickAppendsPerSecond(string connectionString, int clients, double seconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", MaxPoolSize = clients + 4 };
        var schema = "baseline_marten_" + Guid.NewGuid().ToString("N")[..8];
        await using var store = DocumentStore.For(options =>
        {
            options.Connection(builder.ConnectionString);
            options.DatabaseSchemaName = schema;
            options.Events.AppendMode = EventAppendMode.Quick;
            options.Events.StreamIdentity = StreamIdentity.AsGuid;
            options.AutoCreateSchemaObjects = AutoCreate.All;
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using (var warm = store.LightweightSession())
        {
            warm.Events.StartStream(Guid.NewGuid(), new BaselineEvent(Guid.NewGuid(), "warm-up"));
            await warm.SaveChangesAsync();
        }
        long count = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                await using var session = store.LightweightSession();
                session.Events.StartStream(Guid.NewGuid(), new BaselineEvent(Guid.NewGuid(), "基线"));
                await session.SaveChangesAsync();
                Interlocked.Increment(ref count);
            }
        }));
        var rate = count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
        await using var drop = source.CreateCommand($"drop schema {schema} cascade");
        await drop.ExecuteNonQueryAsync();
        return rate;
    }
}

/// <summary>The one table printed at the end: figure, its baseline, the ratio, percentiles, load average.</summary>
internal sealed class Report
{
    private readonly List<string> lines = [];

    public void Row(string figure, double rate, string? baselineName, double? baseline, Latencies? latencies, double load, string note = "")
    {
        var ratio = baseline is > 0 ? (rate / baseline.Value).ToString("F2", CultureInfo.InvariantCulture) : "";
        var percentiles = latencies is { Count: > 0 }
            ? $"{latencies.Percentile(50),7:F1} {latencies.Percentile(95),7:F1} {latencies.Percentile(99),7:F1}"
            : $"{"",7} {"",7} {"",7}";
        var line = $"| {figure,-62} | {rate,9:N0} | {(baselineName is null ? "" : $"{baselineName} {baseline:N0}"),-24} | {ratio,5} | {percentiles} | {load,5:F1} | {note}";
        lines.Add(line);
        Console.WriteLine(line);
    }

    public void Ratio(string figure, double rate, string baselineName, double baseline) =>
        Row(figure, rate, baselineName, baseline, null, Load.Now());

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"| {"figure 指标",-60} | {"/s",9} | {"baseline 基线",-22} | {"ratio",5} | {"p50 ms",7} {"p95 ms",7} {"p99 ms",7} | {"load",5} | notes");
        Console.WriteLine($"|{new string('-', 64)}|{new string('-', 11)}|{new string('-', 26)}|{new string('-', 7)}|{new string('-', 25)}|{new string('-', 7)}|------");
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }
}
