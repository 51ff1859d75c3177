using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.BenchKit;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RabbitMQ.Client;

// 护校安园 benchmarks. Usage: dotnet run -c Release -- [clients=16] [seconds=10]
var clients = args.Length > 0 ? int.Parse(args[0]) : 16;
var seconds = args.Length > 1 ? double.Parse(args[1]) : 10;

// The hosted services find their content root by these settings when the program is not a test project.
var root = new DirectoryInfo(AppContext.BaseDirectory);
while (root is not null && !File.Exists(Path.Combine(root.FullName, "JiaoLianTi.sln"))) root = root.Parent;
foreach (var (name, folder) in new[] { ("ALLIANCES", "services/Alliances/Alliances"), ("ACTIVITIES", "services/Activities/Activities"),
             ("PARENTSCHOOL", "services/ParentSchool/ParentSchool"), ("CAMPUSSAFETY", "services/CampusSafety/CampusSafety"),
             ("WELLBEING", "services/Wellbeing/Wellbeing"), ("GATEWAY", "gateway") })
{
    Environment.SetEnvironmentVariable($"ASPNETCORE_TEST_CONTENTROOT_{name}", Path.Combine(root!.FullName, folder));
}

Console.WriteLine("护校安园 CampusSafety benchmarks (2 shared cores: figures vary by up to 30 % between runs)");
await Baselines.PrintAsync(Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES")!, Environment.GetEnvironmentVariable("JLT_TEST_AMQP")!);

var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
await using var system = new TestSystem();
system.Configure("campussafety", s => s.AddSingleton<TimeProvider>(clock));
await system.InitializeAsync();

// A county of schools, each with its police station, traffic police and market regulator in one alliance.
const string county = "510199";
var schools = new List<(Guid School, Guid Traffic)>();
var now = DateTimeOffset.UtcNow;
for (var i = 0; i < clients; i++)
{
    var (school, alliance, police, traffic, market) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
    await system.PublishAsync(new MemberUnitRegistered(school, MemberUnitKinds.School, $"学校{i}", county, now));
    await system.PublishAsync(new AllianceEstablished(alliance, $"教联体{i}", "School", county, $"学校{i}", now, school));
    foreach (var (id, kind) in new[] { (school, MemberUnitKinds.School), (police, MemberUnitKinds.PoliceStation),
                 (traffic, MemberUnitKinds.TrafficPolice), (market, MemberUnitKinds.MarketRegulator) })
    {
        await system.PublishAsync(new MemberUnitRegistered(id, kind, kind, county, now));
        await system.PublishAsync(new MemberJoined(alliance, id, kind, county, id == school ? "Lead" : "Member", now));
    }
    schools.Add((school, traffic));
}
using (var admin = system.Client(Role.CountyAdmin, county))
{
    foreach (var (school, _) in schools)
    {
        await Eventually.Until(async () => await admin.GetStringAsync($"/api/campussafety/schools/{school}/units"),
            s => JsonDocument.Parse(s).RootElement.GetArrayLength() == 3, TimeSpan.FromSeconds(60));
    }
}

// A departmental queue bound to HazardAssigned, as the traffic police's system would declare it.
var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")) };
await using var connection = await factory.CreateConnectionAsync();
await using var channel = await connection.CreateChannelAsync();
const string exchange = "JiaoLianTi.CampusSafety.Contracts:HazardAssigned";
await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
await channel.QueueBindAsync(queue, exchange, "");

// 1. File traffic hazards through the gateway: validation, scope, routing (three queries), two events, inline view.
var filed = new ConcurrentDictionary<Guid, long>();
var latencies = new Latencies();
var failures = 0;
var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
var started = Stopwatch.GetTimestamp();
await Task.WhenAll(schools.Select(async s =>
{
    using var teacher = system.Client(Role.Teacher, county, s.School);
    while (Stopwatch.GetTimestamp() < until)
    {
        var response = await latencies.Time(() => teacher.PostAsJsonAsync("/api/campussafety/reports",
            new { schoolId = s.School, kind = "Traffic", description = "车辆违停", location = "东门" }));
        if (response.StatusCode != HttpStatusCode.Created) { Interlocked.Increment(ref failures); continue; }
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        filed[id] = Stopwatch.GetTimestamp();
    }
}));
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
Console.WriteLine($"上报并分派 file+route via gateway, {clients} clients: {filed.Count / elapsed,8:N0} reports/s  {latencies.Summary()}  failures {failures}");

// 2. How long until each HazardAssigned reaches the departmental queue (from the 201 to the queue).
var delivery = new Latencies();
var seen = 0;
var deadline = DateTime.UtcNow.AddSeconds(120);
while (seen < filed.Count && DateTime.UtcNow < deadline)
{
    var got = await channel.BasicGetAsync(queue, autoAck: true);
    if (got is null) { await Task.Delay(20); continue; }
    var id = JsonDocument.Parse(got.Body).RootElement.GetProperty("message").GetProperty("reportId").GetGuid();
    if (filed.TryGetValue(id, out var at)) { delivery.Add(Stopwatch.GetElapsedTime(at)); seen++; }
}
Console.WriteLine($"部门队列送达 HazardAssigned to a departmental queue: {seen}/{filed.Count} arrived  {delivery.Summary()}");

// 3. The overdue check over every open report at once (each escalation: one stream read, one append).
var check = Stopwatch.StartNew();
var escalated = await system.Services("campussafety").RunCheckAsync<HazardOverdueCheck>(clock.GetUtcNow().AddDays(4));
check.Stop();
Console.WriteLine($"超时督办 overdue check: {escalated} escalated in {check.Elapsed.TotalSeconds:F1} s = {escalated / check.Elapsed.TotalSeconds,8:N0} /s");
var again = Stopwatch.StartNew();
var second = await system.Services("campussafety").RunCheckAsync<HazardOverdueCheck>(clock.GetUtcNow().AddDays(4));
Console.WriteLine($"超时督办 second run (idempotent): {second} escalated in {again.Elapsed.TotalMilliseconds:F0} ms");
