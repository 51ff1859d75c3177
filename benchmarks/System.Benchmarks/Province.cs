using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.BenchKit;

/// <summary>
/// 全省数据 / A province's data through the running system's gateway: Sichuan's 183 counties, each with
/// <see cref="Options.SchoolsPerCounty"/> schools and ten other units; seven counties in ten establish their regional
/// alliance (all units join), publish a resource, assign a responsibility and raise a need (as
/// Alliances.Benchmarks seeds in-process). A county that already has its regional alliance keeps it. Then 20 users
/// (each their own token) read the province's coverage and a county officer's lists.
/// </summary>
internal static class Province
{
    private static readonly string[] Kinds =
    [
        "PoliceStation", "TrafficPolice", "MarketRegulator", "Hospital", "MentalHealthCentre", "FamilyCommittee",
        "CommunityCommittee", "Library", "Museum", "SportsVenue",
    ];

    public static async Task RunAsync(HttpClient http, Options options, Report report, Func<IEnumerable<object>, Task<string[]>> tokens,
        CpuMeter cpu)
    {
        var counties = File.ReadLines(options.Areas).Skip(1)
            .Select(line => line.Split(','))
            .Where(f => f[3] == "51")
            .Select(f => (Code: f[0], Name: f[1].Trim('"')))
            .OrderBy(c => c.Code, StringComparer.Ordinal).ToList();
        if (options.SchoolsPerCounty > 0)
        {
            await SeedAsync(http, options, report, tokens, counties);
        }

        // Read a settled system: right after the seed the other services are still consuming its events (some
        // 100,000 messages) and would take the CPU the reads are measured on.
        if (await cpu.SettleAsync(TimeSpan.FromMinutes(15)) is { } settled)
        {
            Console.WriteLine($"province: the system was quiet {settled.TotalSeconds:F0} s after the seed");
        }
        var province = await tokens(Enumerable.Range(0, options.Users).Select(i => new { role = "ProvinceAdmin", region = "51", subject = $"province-{i}" }));
        var county = await tokens(Enumerable.Range(0, options.Users).Select(i => new { role = "CountyAdmin", region = "510104", subject = $"county-{i}" }));
        var g = options.Gateway;
        await Users(http, report, cpu, "coverage, Sichuan (183 counties), as of now", province, $"{g}/api/alliances/coverage?region=51", options);
        await Users(http, report, cpu, "coverage, Sichuan, as of 2025-12-31", province, $"{g}/api/alliances/coverage?region=51&asOf=2025-12-31", options);
        await Users(http, report, cpu, "county 510104: alliances 教联体", county, $"{g}/api/alliances/?county=510104", options);
        await Users(http, report, cpu, "county 510104: units 成员单位 (first page)", county, $"{g}/api/alliances/units/?county=510104", options);
        await Users(http, report, cpu, "county 510104: responsibilities 责任清单", county, $"{g}/api/alliances/responsibilities/", options);
        await Users(http, report, cpu, "county 510104: needs 需求", county, $"{g}/api/alliances/needs/", options);
        await Users(http, report, cpu, "county 510104: resources 资源", county, $"{g}/api/alliances/resources/", options);
        await Users(http, report, cpu, "county 510104: its coverage", county, $"{g}/api/alliances/coverage?region=510104", options);
    }

    /// <summary>The seed (<c>--schools 0</c> skips it, to measure a system seeded before).</summary>
    private static async Task SeedAsync(
        HttpClient http, Options options, Report report, Func<IEnumerable<object>, Task<string[]>> tokens, List<(string Code, string Name)> counties)
    {
        var admins = (await tokens(counties.Select(c => new { role = "CountyAdmin", region = c.Code, subject = $"seed-{c.Code}" })))
            .Zip(counties).ToDictionary(p => p.Second.Code, p => p.First);
        var seeding = Stopwatch.StartNew();
        long schools = 0, units = 0;
        var failures = 0;
        await Parallel.ForEachAsync(counties.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (item, _) =>
        {
            try
            {
                var (added, all) = await County(http, options, admins[item.c.Code], tokens, item.i, item.c.Code, item.c.Name);
                Interlocked.Add(ref schools, added);
                Interlocked.Add(ref units, all);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                Interlocked.Increment(ref failures);
                Console.WriteLine($"county {item.c.Code}: {e.Message}");
            }
        });
        report.Row($"province seed: {schools:N0} schools, {units:N0} units in {counties.Count} counties ({failures} failed), units/s",
            units / seeding.Elapsed.TotalSeconds, null, null, null, Load.Now(), $"{seeding.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>Users each send their next request when the last is answered, for the fixed time.</summary>
    private static async Task Users(HttpClient http, Report report, CpuMeter cpu, string label, string[] tokens, string url, Options options)
    {
        async Task<HttpStatusCode> Get(int user)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[user]);
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return 0; // counted as "0" (timed out or refused)
            }
        }
        // Warm up with the same load for a fifth of the measured time (at least 2 s), not measured: the first figure
        // came right after the system had settled, when each process had just given its memory back and shrunk its
        // thread pool (ServiceDefaults/IdleMemory.cs), and its p95 was that of the ramp-up, not of 20 users' steady
        // reading (as of now, measured first, 64-67 ms against 42-49 as of a date, measured second, in two runs).
        var warmUntil = Stopwatch.GetTimestamp() + (long)(Math.Max(2, options.Seconds / 5) * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, tokens.Length).Select(async user =>
        {
            while (Stopwatch.GetTimestamp() < warmUntil)
            {
                await Get(user);
            }
        }));
        var load = Load.Now();
        var before = cpu.Now();
        var latencies = new Latencies();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var until = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, tokens.Length).Select(async user =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var begun = Stopwatch.GetTimestamp();
                var status = (int)await Get(user);
                if (status == 200)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(begun));
                }
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }));
        report.Row($"{label}, {tokens.Length} users", latencies.Count / Stopwatch.GetElapsedTime(started).TotalSeconds, null, null,
            latencies, load, $"{string.Join(' ', statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))} {cpu.Since(before, statuses.Values.Sum())}".Trim());
    }

    private static async Task<(int Schools, int Units)> County(
        HttpClient http, Options options, string admin, Func<IEnumerable<object>, Task<string[]>> tokens, int index, string county, string name)
    {
        var g = options.Gateway;
        var body = Enumerable.Range(1, options.SchoolsPerCounty)
            .Select(n => new { kind = "School", name = $"{name}第{n}学校", countyCode = county })
            .Concat(Kinds.Select(k => new { kind = k, name = $"{name}{k}", countyCode = county }))
            .ToList();
        var (_, registered, _) = await Post(http, admin, $"{g}/api/alliances/units/batch", new { units = body });
        var ids = registered!.Value.EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToList();
        if (index % 10 >= 7)
        {
            return (options.SchoolsPerCounty, ids.Count);
        }
        var (status, alliance, _) = await Post(http, admin, $"{g}/api/alliances",
            new { name = $"{name}教联体", kind = "Regional", countyCode = county, leadUnit = $"{name}教育局" }, allow: HttpStatusCode.Conflict);
        if (status == HttpStatusCode.Conflict)
        {
            return (options.SchoolsPerCounty, ids.Count); // the demo seed's alliance stays as it is
        }
        var id = alliance!.Value.GetProperty("id").GetGuid();
        await Post(http, admin, $"{g}/api/alliances/{id}/members/batch", new { members = ids.Select(u => new { unitId = u }) }, ifMatch: "\"1\"");
        var police = ids[options.SchoolsPerCounty];
        await Post(http, admin, $"{g}/api/alliances/{id}/resources",
            new { unitId = police, kind = "Course", title = "法治课", topics = new[] { "PoliceSchool" }, capacity = 100 });
        await Post(http, admin, $"{g}/api/alliances/{id}/responsibilities",
            new { unitId = police, title = "护学岗", dueOn = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") });
        var principal = (await tokens([new { role = "SchoolAdmin", region = county, schoolId = ids[0], subject = $"principal-{county}" }]))[0];
        await Post(http, principal, $"{g}/api/alliances/{id}/needs", new { category = "Safety", description = "校门口交通" });
        return (options.SchoolsPerCounty, ids.Count);
    }

    private static async Task<(HttpStatusCode, JsonElement?, string)> Post(
        HttpClient http, string token, string url, object body, string? ifMatch = null, HttpStatusCode? allow = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == allow)
        {
            return (response.StatusCode, null, text);
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
        }
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
