using System.Diagnostics;
using System.Text;
using JiaoLianTi.BenchKit;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.TestKit;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Protection;
using Marten;
using Microsoft.Extensions.DependencyInjection;

// 心链网络 benchmark: a 50,000-row screening round imported as one CSV upload through the gateway, beside the machine's
// raw baselines. The children are recorded first, straight into Wellbeing's store (each with its own key), because
// the import only accepts rows of recorded children; the timed part is the upload alone.
var rows = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 50_000;
var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES") ?? throw new InvalidOperationException("run through benchmarks/run.sh");
var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP")!;

Console.WriteLine($"心链网络 Wellbeing benchmark: screening CSV import of {rows:N0} rows through the gateway (shared, noisy 2-core machine)");
await Baselines.PrintAsync(postgres, amqp);

// Outside a test run WebApplicationFactory does not find each service's content root by itself: name it, from the
// manifest the Mvc.Testing build targets wrote beside this program.
var manifest = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(
    File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json")))!;
foreach (var (assembly, root) in manifest)
{
    var name = assembly.Split(',')[0];
    Environment.SetEnvironmentVariable($"ASPNETCORE_TEST_CONTENTROOT_{name.Replace('.', '_')}", root);
    Environment.SetEnvironmentVariable($"ASPNETCORE_TEST_CONTENTROOT_{name.Replace('.', '_').ToUpperInvariant()}", root);
}

await using var system = new TestSystem();
await system.InitializeAsync();
var school = Guid.NewGuid();
const string county = "510104";
var store = system.Services("wellbeing").GetRequiredService<IDocumentStore>();
var master = system.Services("wellbeing").GetRequiredService<IMasterKey>();
var ids = Enumerable.Range(0, rows).Select(_ => Guid.CreateVersion7()).ToArray();
var seeding = Stopwatch.StartNew();
foreach (var chunk in ids.Chunk(1000))
{
    await using var session = store.LightweightSession();
    foreach (var id in chunk)
    {
        var (key, stored) = PersonalDataVault.NewKey(master, id, id, DateTimeOffset.UtcNow);
        session.Store(stored);
        var details = PersonalDataVault.Seal(key, id, new PersonalDetails("学生", new DateOnly(2014, 9, 1), "五年级一班", [new Guardian("监护人", "母亲", null)]));
        session.Events.StartStream<Child>(id, new ChildRecorded(id, school, county, details, true, ConsentStatus.Given, details, "bench", DateTimeOffset.UtcNow));
    }
    await session.SaveChangesAsync();
}
Console.WriteLine($"准备 setup      {rows:N0} child records stored directly in {seeding.Elapsed.TotalSeconds:F1} s");

var random = new Random(7);
var csv = new StringBuilder("studentId,score,takenOn\n");
var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
foreach (var id in ids)
{
    csv.Append(id).Append(',').Append(random.Next(0, 19)).Append(',').Append(today).Append('\n');
}
var body = csv.ToString();

using var admin = system.Client(new TokenRequest(Role.SchoolAdmin, county, school, Subject: "bench-admin"));
admin.Timeout = TimeSpan.FromMinutes(15);
var process = Process.GetCurrentProcess();
GC.Collect();
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
process.Refresh();
var workingBefore = process.WorkingSet64;
long peak = workingBefore;
using var sampler = new Timer(_ => { process.Refresh(); peak = Math.Max(peak, process.WorkingSet64); }, null, 0, 200);

var started = Stopwatch.StartNew();
var response = await admin.PostAsync($"/api/wellbeing/screenings/rounds?schoolId={school}", new StringContent(body, Encoding.UTF8, "text/csv"));
var elapsed = started.Elapsed;
var report = await response.Content.ReadAsStringAsync();
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
process.Refresh();

var summary = response.IsSuccessStatusCode
    ? System.Text.Json.JsonDocument.Parse(report).RootElement is var r
        ? $"accepted {r.GetProperty("accepted").GetInt32():N0}, rejected {r.GetProperty("rejected").GetInt32():N0}, tier changes (alerts) {r.GetProperty("tierChanges").GetInt32():N0}"
        : ""
    : report[..Math.Min(400, report.Length)];
Console.WriteLine($"导入 import     HTTP {(int)response.StatusCode}, {summary}");
Console.WriteLine($"导入 import     {rows:N0} rows in {elapsed.TotalSeconds:F1} s = {rows / elapsed.TotalSeconds,8:N0} rows/s (one SaveChanges per {JiaoLianTi.Wellbeing.Screening.ScreeningImport.BatchSize} rows)");
Console.WriteLine($"内存 memory     working set {workingBefore / 1048576.0:N0} MB before, peak {peak / 1048576.0:N0} MB, after {process.WorkingSet64 / 1048576.0:N0} MB (the whole system in one process)");
Console.WriteLine($"内存 memory     GC allocated during the import: {allocated / 1048576.0:N0} MB ({allocated / (double)rows / 1024:N1} KB per row, all hosts in-process)");
await system.DisposeAsync();
