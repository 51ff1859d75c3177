using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.BenchKit;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;

// 覆盖率查询基准 / Coverage query benchmark.
//   benchmarks/run.sh Alliances.Benchmarks [--schools N] [--queries N] [--concurrency N] [--users N]
//   ... -- --serve      only start the system in-process and print its gateway (to try scripts/seed/10-alliances.sh)
var options = Options.Parse(args);
// WebApplicationFactory finds each service's folder through MvcTestingAppManifest.json in the current directory.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES") ?? throw new InvalidOperationException("JLT_TEST_POSTGRES is not set");
var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP") ?? throw new InvalidOperationException("JLT_TEST_AMQP is not set");

var system = new TestSystem();
await system.InitializeAsync();
Console.WriteLine($"网关 gateway: {system.GatewayAddress}");
if (options.Serve)
{
    Console.WriteLine("系统运行中，Ctrl-C 停止 / the system runs; Ctrl-C stops it");
    var stop = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
    using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
        System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
    await stop.Task;
    await system.DisposeAsync();
    return;
}

Console.WriteLine("注意 / note: 2 shared cores, noisy neighbours: read figures as ratios to the baselines beside them.");
await Baselines.PrintAsync(postgres, amqp);

var counties = Divisions.Load().CountiesIn("51").OrderBy(c => c.Code).ToList();
var seeding = Stopwatch.StartNew();
var seeded = new Seed(system, options.SchoolsPerCounty);
await Parallel.ForEachAsync(counties.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 6 },
    async (item, ct) => await seeded.County(item.i, item.c.Code, item.c.Name));
Console.WriteLine($"大规模种子 large seed: {seeded.Schools:N0} schools, {seeded.Units:N0} units, {seeded.Alliances} alliances " +
    $"in {counties.Count} counties, {seeding.Elapsed.TotalSeconds:F0} s ({seeded.Units / seeding.Elapsed.TotalSeconds:N0} units/s)");

using var province = system.Client(Role.ProvinceAdmin, "51");
using var chengdu = system.Client(Role.CityAdmin, "5101");
async Task<JsonElement> Get(HttpClient client, string path)
{
    using var response = await client.GetAsync(path);
    response.EnsureSuccessStatusCode();
    return await response.Content.ReadFromJsonAsync<JsonElement>();
}
var report = await Get(province, "/api/alliances/coverage?region=51");
Console.WriteLine($"覆盖率 coverage 51: {report.GetProperty("establishedCounties")}/{report.GetProperty("counties")} = {report.GetProperty("coverage")}");

async Task Measure(string label, HttpClient client, string path, int queries, int concurrency)
{
    for (var i = 0; i < 5; i++) (await client.GetAsync(path)).EnsureSuccessStatusCode(); // warm-up
    var latencies = new Latencies();
    var started = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, queries), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
        async (_, _) => await latencies.Time(async () =>
        {
            using var response = await client.GetAsync(path);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsByteArrayAsync();
        }));
    Console.WriteLine($"{label,-44} {latencies.Summary()}, {queries / started.Elapsed.TotalSeconds:N1} queries/s at concurrency {concurrency}");
}

await Measure("coverage JSON, Sichuan (183 counties)", province, "/api/alliances/coverage?region=51", options.Queries, 1);
await Measure("coverage JSON, Sichuan, as of 2025-12-31", province, "/api/alliances/coverage?region=51&asOf=2025-12-31", options.Queries, 1);
await Measure("coverage JSON, Sichuan", province, "/api/alliances/coverage?region=51", options.Queries, options.Concurrency);
await Measure("coverage CSV, Sichuan", province, "/api/alliances/coverage/csv?region=51", options.Queries / 2, 1);
await Measure("coverage JSON, Chengdu (5101)", chengdu, "/api/alliances/coverage?region=5101", options.Queries, 1);

// 20 users at once (each their own token, so that the per-client rate limit does not queue them): the province's
// coverage, and the lists a county officer (锦江区 510104) opens every day.
async Task MeasureUsers(string label, Func<int, HttpClient> user, string path, int queries, int users)
{
    var clients = Enumerable.Range(0, users).Select(user).ToArray();
    foreach (var client in clients) (await client.GetAsync(path)).EnsureSuccessStatusCode(); // warm-up
    var latencies = new Latencies();
    var started = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, queries), new ParallelOptions { MaxDegreeOfParallelism = users },
        async (i, _) => await latencies.Time(async () =>
        {
            using var response = await clients[i % users].GetAsync(path);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsByteArrayAsync();
        }));
    Console.WriteLine($"{label,-44} {latencies.Summary()}, {queries / started.Elapsed.TotalSeconds:N1} queries/s, {users} users");
    foreach (var client in clients) client.Dispose();
}
var users = options.Users;
HttpClient ProvinceUser(int _) => system.Client(Role.ProvinceAdmin, "51");
HttpClient CountyUser(int _) => system.Client(Role.CountyAdmin, "510104");
await MeasureUsers("coverage JSON, Sichuan", ProvinceUser, "/api/alliances/coverage?region=51", options.Queries * 2, users);
await MeasureUsers("coverage JSON, Sichuan, as of 2025-12-31", ProvinceUser, "/api/alliances/coverage?region=51&asOf=2025-12-31", options.Queries * 2, users);
await MeasureUsers("county: inbox 待办", CountyUser, "/api/alliances/inbox", options.Queries * 2, users);
await MeasureUsers("county: alliances 教联体", CountyUser, "/api/alliances/", options.Queries * 2, users);
await MeasureUsers("county: units 成员单位 (page 1 of 120)", CountyUser, "/api/alliances/units/?county=510104", options.Queries * 2, users);
await MeasureUsers("county: responsibilities 责任清单", CountyUser, "/api/alliances/responsibilities/", options.Queries * 2, users);
await MeasureUsers("county: needs 需求", CountyUser, "/api/alliances/needs/", options.Queries * 2, users);
await MeasureUsers("county: resources 资源", CountyUser, "/api/alliances/resources/", options.Queries * 2, users);
await MeasureUsers("county: coverage of its county", CountyUser, "/api/alliances/coverage?region=510104", options.Queries * 2, users);
await system.DisposeAsync();

internal sealed record Options(bool Serve, int SchoolsPerCounty, int Queries, int Concurrency, int Users)
{
    public static Options Parse(string[] args)
    {
        int Int(string name, int fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        return new Options(args.Contains("--serve"), Int("--schools", 110), Int("--queries", 100), Int("--concurrency", 4), Int("--users", 20));
    }
}

/// <summary>Posts a county's units, its regional alliance (seven counties in ten) and a little work, in batches.</summary>
internal sealed class Seed(TestSystem system, int schoolsPerCounty)
{
    private static readonly string[] Kinds =
    [
        "PoliceStation", "TrafficPolice", "MarketRegulator", "Hospital", "MentalHealthCentre", "FamilyCommittee",
        "CommunityCommittee", "Library", "Museum", "SportsVenue",
    ];
    private int schools, units, alliances;
    public int Schools => schools;
    public int Units => units;
    public int Alliances => alliances;

    public async Task County(int index, string county, string name)
    {
        using var admin = system.Client(Role.CountyAdmin, county);
        var body = Enumerable.Range(1, schoolsPerCounty)
            .Select(n => new { kind = "School", name = $"{name}第{n}学校", countyCode = county })
            .Concat(Kinds.Select(k => new { kind = k, name = $"{name}{k}", countyCode = county }))
            .ToList();
        var registered = await Post(admin, "/api/alliances/units/batch", new { units = body });
        var ids = registered.EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToList();
        Interlocked.Add(ref schools, schoolsPerCounty);
        Interlocked.Add(ref units, ids.Count);
        if (index % 10 >= 7)
        {
            return;
        }
        var alliance = (await Post(admin, "/api/alliances", new
        {
            name = $"{name}教联体", kind = "Regional", countyCode = county, leadUnit = $"{name}教育局",
        })).GetProperty("id").GetGuid();
        Interlocked.Increment(ref alliances);
        await Post(admin, $"/api/alliances/{alliance}/members/batch", new { members = ids.Select(id => new { unitId = id }) }, "\"1\"");
        var police = ids[schoolsPerCounty];
        await Post(admin, $"/api/alliances/{alliance}/resources", new
        {
            unitId = police, kind = "Course", title = "法治课", topics = new[] { "PoliceSchool" }, capacity = 100,
        });
        await Post(admin, $"/api/alliances/{alliance}/responsibilities", new
        {
            unitId = police, title = "护学岗", dueOn = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
        });
        using var principal = system.Client(Role.SchoolAdmin, county, schoolId: ids[0]);
        await Post(principal, $"/api/alliances/{alliance}/needs", new { category = "Safety", description = "校门口交通" });
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
