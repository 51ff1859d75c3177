using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.BenchKit;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;

// 报名风暴 / The registration storm: a popular study trip opens and 10,000 parents (each their own token subject, so
// the gateway's per-client rate limit does not bite) register at once for 500 seats, through the real gateway, against
// the whole system hosted in this process on real PostgreSQL and RabbitMQ. Figures only: no assertion.
// WebApplicationFactory finds the services' content roots in MvcTestingAppManifest.json, next to this program.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var parents = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var seats = args.Length > 1 ? int.Parse(args[1]) : 500;
const string County = "510104";

var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Run with benchmarks/run.sh (it starts the servers and sets JLT_TEST_POSTGRES).");
var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP")!;
Console.WriteLine($"报名风暴 registration storm: {parents:N0} parents, {seats:N0} seats, {Environment.ProcessorCount} cores (shared, noisy machine)");
await Baselines.PrintAsync(postgres, amqp);

// JLT_BENCH_REPLICAS=2: two hosts of every service (same database and queue), as two replicas run.
var replicas = int.Parse(Environment.GetEnvironmentVariable("JLT_BENCH_REPLICAS") ?? "1");
Console.WriteLine($"replicas per service    {replicas}");
var system = new TestSystem();
foreach (var service in TestSystem.ServiceNames)
{
    system.WithReplicas(service, replicas);
}
await system.InitializeAsync();
try
{
    var store = system.Services("activities").GetRequiredService<IDocumentStore>();
    var school = Guid.NewGuid();
    var resource = Guid.NewGuid();
    await system.PublishAsync(new MemberUnitRegistered(school, MemberUnitKinds.School, "锦江实验学校", County, DateTimeOffset.UtcNow));
    await system.PublishAsync(new ResourcePublished(resource, Guid.NewGuid(), Guid.NewGuid(), "Venue", "四川科技馆",
        [Pairings.VenueSchool], seats, County, DateTimeOffset.UtcNow));
    await Eventually.Until(async () =>
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<KnownUnit>(school) is not null && await session.LoadAsync<KnownResource>(resource) is not null;
    }, known => known);

    using var staff = system.Client(Role.SchoolAdmin, County, schoolId: school);
    var starts = DateTimeOffset.UtcNow.AddDays(20);
    var drafted = await staff.PostAsJsonAsync("/api/activities", new
    {
        kind = "StudyTrip", title = "科技馆研学", location = "四川科技馆", startsAt = starts, endsAt = starts.AddHours(5),
        seats, minAge = 6, maxAge = 18, resourceId = resource,
    });
    drafted.EnsureSuccessStatusCode();
    var id = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    using var open = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{id}/open")
    {
        Content = JsonContent.Create(new { arrangements = "大巴 12 辆，带队教师 40 名，意外险" }),
    };
    open.Headers.TryAddWithoutValidation("If-Match", drafted.Headers.ETag!.Tag);
    (await staff.SendAsync(open)).EnsureSuccessStatusCode();
    await system.PublishAsync(new SafetyPlanApproved(id, Guid.NewGuid(), DateTimeOffset.UtcNow));
    await Eventually.Until(async () => (await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}")).GetProperty("status").GetString(),
        status => status == "Open");

    var children = Enumerable.Range(0, parents).Select(_ => Guid.NewGuid()).ToArray();
    var tokens = children.Select(c => TestSystem.Token(new TokenRequest(Role.Parent, County, school, Subject: $"bench-parent-{c:N}", Children: [c]))).ToArray();
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512 };
    using var http = new HttpClient(handler) { BaseAddress = system.GatewayAddress, Timeout = TimeSpan.FromMinutes(5) };
    var birthDate = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-12).AddDays(-30);

    var latencies = new Latencies();
    var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
    var answers = new System.Collections.Concurrent.ConcurrentBag<(string Status, int? Position)>();
    var go = new TaskCompletionSource();
    var clock = Stopwatch.StartNew();
    var work = children.Select(async (child, i) =>
    {
        await go.Task;
        await latencies.Time(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{id}/registrations")
            {
                Content = JsonContent.Create(new { studentId = child, displayName = "学生", birthDate, guardianConsent = true }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]);
            using var response = await http.SendAsync(request);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            if (response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                answers.Add((body.GetProperty("status").GetString()!,
                    body.GetProperty("waitlistPosition").ValueKind == JsonValueKind.Number ? body.GetProperty("waitlistPosition").GetInt32() : null));
            }
            return 0;
        });
    }).ToArray();
    clock.Restart();
    go.SetResult();
    await Task.WhenAll(work);
    var elapsed = clock.Elapsed;

    var confirmed = answers.Count(a => a.Status == "Confirmed");
    var positions = answers.Where(a => a.Position is not null).Select(a => a.Position!.Value).Order().ToArray();
    var ordered = positions.SequenceEqual(Enumerable.Range(1, positions.Length));
    Console.WriteLine($"registrations           {parents,10:N0} in {elapsed.TotalSeconds:F1} s = {parents / elapsed.TotalSeconds,8:N0} registrations/s");
    Console.WriteLine($"latency                 {latencies.Summary()}");
    Console.WriteLine($"confirmed               {confirmed,10:N0} (seats {seats:N0})");
    Console.WriteLine($"waitlisted              {positions.Length,10:N0}, positions 1..{positions.Length} without gaps or duplicates: {ordered}");
    Console.WriteLine($"answers by status code  {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value:N0}"))}");
}
finally
{
    await system.DisposeAsync();
}
