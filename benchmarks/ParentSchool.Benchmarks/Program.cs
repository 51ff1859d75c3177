using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.BenchKit;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;

// 家长学校基准 / ParentSchool benchmark. Lesson completion is the highest-volume write of the whole system: this
// measures how many the service ingests per second through the gateway with 200 parents at once (each completing
// its lessons one after another, If-Match chained from the previous answer), the latency of each, and how long the
// async county roll-up takes to show them all. The whole system runs in this process against real PostgreSQL and
// RabbitMQ, so the figures include the gateway hop, JWT validation twice and the daemon sharing the two cores.
//   benchmarks/run.sh ParentSchool.Benchmarks [parents=200] [lessons=40]

// WebApplicationFactory finds the services' content roots through MvcTestingAppManifest.json in the current folder.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var parents = args.Length > 0 ? int.Parse(args[0]) : 200;
var lessonsPerCourse = args.Length > 1 ? int.Parse(args[1]) : 40;
var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES") ?? throw new InvalidOperationException("run with benchmarks/run.sh");
var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP")!;
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

Console.WriteLine($"家长学校基准 ParentSchool benchmark: {parents} concurrent parents, a course of {lessonsPerCourse} lessons each, {Environment.ProcessorCount} cores (shared, noisy)");
var (pgBaseline, mqBaseline) = await Baselines.PrintAsync(postgres, amqp);

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
    // Through the gateway (the figure asked for), then straight to the service (what the gateway hop costs).
    await Measure(system.GatewayAddress, "510104", "through the gateway");
    await Measure(system.Address("parentschool"), "510105", "straight to the service, no gateway");

    // Let the outbox subscription publish everything (EnrolmentCompleted …) before the system stops.
    var store = system.Services("parentschool").GetRequiredService<IDocumentStore>();
    var drained = Stopwatch.StartNew();
    var last = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
    while (drained.Elapsed < TimeSpan.FromMinutes(2)
        && (await store.Advanced.AllProjectionProgress()).FirstOrDefault(p => p.ShardName.StartsWith("integration-events"))?.Sequence < last)
    {
        await Task.Delay(100);
    }
    Console.WriteLine($"集成事件发布 outbox publisher caught up with event {last:N0} {drained.Elapsed.TotalMilliseconds:N0} ms after the last run");
}
finally
{
    await system.DisposeAsync();
}

async Task Measure(Uri address, string county, string route)
{
    var handler = new SocketsHttpHandler { MaxConnectionsPerServer = parents + 16, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
    using var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    var admin = TestSystem.Token(new TokenRequest(Role.CountyAdmin, county, Subject: "bench-county-admin"));

    // A county course of many lessons, published.
    var lessons = Enumerable.Range(1, lessonsPerCourse).Select(i => new
    {
        title = $"第{i}课 Lesson {i}", durationMinutes = 8, text = $"## 第{i}课\n\n内容 content", videoLinks = new[] { $"https://video.example.cn/{i}" },
    }).ToArray();
    var drafted = await Send(HttpMethod.Post, "/api/parentschool/courses", admin, new
    {
        title = "手机管理 Phone use", topic = "PhoneUse", targetGrades = new[] { 3, 4, 5 }, scope = "County", regionCode = county, lessons,
    });
    var course = await drafted.Content.ReadFromJsonAsync<JsonElement>(json);
    var courseId = course.GetProperty("id").GetGuid();
    var publishedResponse = await Send(HttpMethod.Post, $"/api/parentschool/courses/{courseId}/publish", admin, null, drafted.Headers.ETag!.Tag);
    var lessonIds = (await publishedResponse.Content.ReadFromJsonAsync<JsonElement>(json)).GetProperty("lessons").EnumerateArray()
        .Select(l => l.GetProperty("lessonId").GetGuid()).ToArray();

    // 200 parents in 20 schools of the county enrol.
    var schools = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
    var tokens = Enumerable.Range(0, parents)
        .Select(i => TestSystem.Token(new TokenRequest(Role.Parent, county, schools[i % schools.Length], Subject: $"bench-parent-{county}-{i}")))
        .ToArray();
    var etags = new string[parents];
    await Task.WhenAll(Enumerable.Range(0, parents).Select(async i =>
    {
        var enrolled = await Send(HttpMethod.Post, $"/api/parentschool/courses/{courseId}/enrolment", tokens[i], null);
        etags[i] = enrolled.Headers.ETag!.Tag;
    }));

    // Warm-up: one lesson each (JIT, pools, plans), not measured but counted in the roll-up.
    await Task.WhenAll(Enumerable.Range(0, parents).Select(async i => etags[i] = await Complete(i, lessonIds[0])));
    var warmUp = parents;

    // Measured: every parent completes the rest of the lessons, one after another.
    var latencies = new Latencies();
    long acknowledged = 0, refused = 0;
    var sampler = new CancellationTokenSource();
    var backlog = new List<(double At, long Acked, long Projected)>();
    var started = Stopwatch.StartNew();
    var sampling = Task.Run(async () =>
    {
        while (!sampler.IsCancellationRequested)
        {
            var projected = await CountyLessons();
            lock (backlog) backlog.Add((started.Elapsed.TotalSeconds, Interlocked.Read(ref acknowledged) + warmUp, projected));
            try { await Task.Delay(500, sampler.Token); } catch (OperationCanceledException) { }
        }
    });
    await Task.WhenAll(Enumerable.Range(0, parents).Select(async i =>
    {
        foreach (var lesson in lessonIds.Skip(1))
        {
            try
            {
                etags[i] = await latencies.Time(() => Complete(i, lesson));
                Interlocked.Increment(ref acknowledged);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref refused);
            }
        }
    }));
    var ingestSeconds = started.Elapsed.TotalSeconds;
    var ingestEnd = Stopwatch.GetTimestamp();

    // Lag: from the last acknowledged completion until the county roll-up counts every one of them.
    var expected = acknowledged + warmUp;
    long seen;
    while ((seen = await CountyLessons()) < expected && Stopwatch.GetElapsedTime(ingestEnd) < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(50);
    }
    var lag = Stopwatch.GetElapsedTime(ingestEnd);
    sampler.Cancel();
    await sampling;

    var rate = acknowledged / ingestSeconds;
    var maxBehind = backlog.Count == 0 ? 0 : backlog.Max(b => b.Acked - b.Projected);
    Console.WriteLine();
    Console.WriteLine($"学习进度写入 lesson completions {route}: {acknowledged:N0} in {ingestSeconds:F1} s = {rate,8:N0} /s ({refused} refused)");
    Console.WriteLine($"  latency per completion: {latencies.Summary()}");
    Console.WriteLine($"  = {rate / pgBaseline:P1} of raw PostgreSQL one-row inserts, {rate / mqBaseline:P1} of raw RabbitMQ publishes (same session)");
    Console.WriteLine($"县级统计延迟 county roll-up lag after the last completion: {lag.TotalMilliseconds:N0} ms (roll-up shows {seen:N0} of {expected:N0})");
    Console.WriteLine($"  roll-up at most {maxBehind:N0} completions behind while ingesting (sampled every 0.5 s, {backlog.Count} samples)");
    Console.WriteLine($"  roll-up catch-up rate overall: {expected / (ingestSeconds + lag.TotalSeconds),8:N0} /s");

    async Task<string> Complete(int parent, Guid lesson)
    {
        var response = await Send(HttpMethod.Post, $"/api/parentschool/my/courses/{courseId}/lessons/{lesson}/completion", tokens[parent], null, etags[parent]);
        return response.Headers.ETag!.Tag;
    }

    async Task<long> CountyLessons()
    {
        var response = await Send(HttpMethod.Get, $"/api/parentschool/figures?level=County&code={county}&topic=PhoneUse", admin, null);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>(json)).GetProperty("items");
        return items.GetArrayLength() == 0 ? 0 : items[0].GetProperty("lessonsCompleted").GetInt64();
    }

    async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, options: json);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}",
                null, response.StatusCode);
        }
        return response;
    }
}
