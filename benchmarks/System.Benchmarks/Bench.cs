using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.BenchKit;

/// <summary>
/// What every scenario of the system benchmark drives the system with: signed-in requests, the closed loop of many
/// distinct clients, development tokens with distinct subjects, each service's own address (to measure it straight,
/// beside the gateway), and one school of 锦江区 registered through Alliances that the other services have learnt.
/// </summary>
internal sealed class Bench(HttpClient http, Options options, Report report, string[] args)
{
    public const string County = "510104";

    private Guid? school;

    /// <summary>The processes whose CPU time is counted per request (<c>--cpu gateway=PID,alliances=PID,…</c>).</summary>
    public CpuMeter Cpu { get; } = CpuMeter.From(args);

    public HttpClient Http => http;
    public Options Options => options;
    public Report Report => report;

    /// <summary>A service's own address (<c>--activities URL</c> …, as benchmarks/system.sh finds them), or null.</summary>
    public string? Straight(string service) =>
        Array.IndexOf(args, $"--{service}") is var i and >= 0 && i + 1 < args.Length && args[i + 1].Length > 0
            ? args[i + 1].TrimEnd('/') : null;

    /// <summary>An integer option of a scenario (<c>--parents 10000</c>), or its default.</summary>
    public int Number(string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    /// <summary>Development tokens from the gateway's issuer (POST /dev/token), 16 minted at a time, in the order asked.</summary>
    public async Task<string[]> Tokens(IReadOnlyList<object> requests)
    {
        var tokens = new string[requests.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var response = await http.PostAsJsonAsync($"{options.Gateway}/dev/token", requests[i], ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"/dev/token {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
            tokens[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
        });
        return tokens;
    }

    /// <summary>One signed-in request; the answer's status, its JSON body when it has one (else default), its ETag.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, string? ETag, TimeSpan? RetryAfter)> Call(
        HttpMethod method, string url, string token, object? body = null, string? ifMatch = null, bool readBody = true)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        using var response = await http.SendAsync(request);
        var json = default(JsonElement);
        if (readBody && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true)
        {
            json = await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        else
        {
            await response.Content.ReadAsByteArrayAsync();
        }
        var retryAfter = response.Headers.RetryAfter?.Delta;
        return (response.StatusCode, json, response.Headers.ETag?.Tag, retryAfter);
    }

    /// <summary>The same, failing on anything but 2xx: for a scenario's setting up, never for what is measured.</summary>
    public async Task<(JsonElement Body, string? ETag)> Must(HttpMethod method, string url, string token, object? body = null, string? ifMatch = null)
    {
        var (status, json, etag, _) = await Call(method, url, token, body, ifMatch);
        if ((int)status is < 200 or >= 300)
        {
            throw new InvalidOperationException($"{method} {url}: {(int)status} {json}");
        }
        return (json, etag);
    }

    /// <summary>
    /// How many token subjects a closed loop takes in turn: at least 256, so that a client at 1,000 requests/s is still
    /// 16 callers below the gateway's per-client limit (100/s, its burst of 200 queued beyond that): with one subject
    /// per connection the limit, not the system, set the figure (the trivial ping through the gateway at 0.38 of
    /// straight was each of 16 subjects held to 100/s, its requests waiting in the limiter's queue).
    /// </summary>
    public static int Subjects(Options options) => Math.Max(options.Clients, 256);

    /// <summary>
    /// Each of <paramref name="clients"/> clients (default --clients) sends its next request when the last one is
    /// answered, for --seconds, after one warm-up request each. <paramref name="send"/> gets the request's number
    /// (the client's, then growing by the number of clients), to take a token and a target in turn with it. Prints a
    /// row; returns requests/s (2xx only).
    /// </summary>
    /// <remarks><paramref name="warmSeconds"/>: first that long of the same load, not counted (the processes' hot code
    /// compiled again, optimised, as a long-running system has it).</remarks>
    public async Task<double> ClosedLoop(
        string label, string? baselineName, double? baseline, Func<int, Task<HttpStatusCode>> send, int? clients = null, string note = "",
        double warmSeconds = 0)
    {
        var count = clients ?? options.Clients;
        await WarmUp(send, count);
        if (warmSeconds > 0)
        {
            await Slice(send, count, warmSeconds, new Tally(Cpu.Now().Length), count);
        }
        var load = Load.Now();
        var tally = new Tally(Cpu.Now().Length);
        await Slice(send, count, options.Seconds, tally, 0);
        var rate = tally.Ok / tally.Elapsed.TotalSeconds;
        report.Row(label, rate, baselineName, baseline, tally.Latencies, load, $"{Statuses(tally.Statuses)} {note} {Cpu.Format(tally.CpuMs, tally.Requests)}".Trim());
        return rate;
    }

    /// <summary>How many slices each side of a <see cref="Paired"/> figure gets (<c>--slices</c>, default 4).</summary>
    public int Slices => Math.Max(1, Number("--slices", 4));

    /// <summary>
    /// How long a <see cref="Paired"/> figure's own load runs before it is measured, both sides in turns, not counted
    /// (<c>--warm</c> seconds, by default --seconds; 0 for none). A process starts with its code unoptimised and
    /// compiles its hot methods again, optimised, under the load's first seconds (tiered compilation and its
    /// profile-guided step), on the same two cores; the consumers' pace takes as long to settle. Cold, a unit's
    /// registration cost the whole system about 10 ms of CPU against 6.5-8.3 ms warm (docs/operations.md, "Warm
    /// figures and the queues' storage").
    /// </summary>
    public double WarmSeconds => Number("--warm", (int)options.Seconds);

    /// <summary>
    /// The same request straight to a service and through the gateway, measured in turns: <see cref="Slices"/> slices
    /// of each, --seconds in all per side, in the order AB BA AB BA … (each side first as often as second), so both see
    /// the same machine. Taken one after the other, the two figures met different moments of a shared 2-core machine
    /// (the load average moved by 3-5 between them, a cold first figure, the consumers catching up with the last), and
    /// the gateway's ratio ranged 0.63-1.47 over one stop's runs of one build. Prints both rows, the second with the
    /// ratio of the totals and the range of the slice pairs' ratios; returns both rates (2xx a second).
    /// <para>
    /// <paramref name="drained"/> (commands: their events are consumed, projected and published after the 201): each
    /// slice starts once the system is quiet again (<see cref="CpuMeter.SettleAsync"/>, one quiet second), so the
    /// consumers' catching up after a slice is not paid by the next. Without it that cost did not fall alike: a slice
    /// leaves work in proportion to what it got done, so the faster side, straight, left more, and the gateway's
    /// slices, which follow it, paid for it (one run: the five consumers 1,360 µs a command in the straight slices,
    /// 2,802 in the gateway's; ratio 0.56 where the gateway's own CPU was 306 µs of about 7,000). The time spent
    /// draining is not counted on either side in the first two rows.
    /// </para>
    /// <para>
    /// Those rates are what the service accepted in its slices, not what the system can keep up with: a slice leaves
    /// its consumers' work undone in proportion to how fast it went, and how much it leaves varies (2026-12-04, 16+16
    /// slices, the machine at 1.8-1.9 of its 2 cores in every slice: straight 197-486 a second at 3,700-9,700 µs of
    /// CPU a command within the slice, through the gateway 190-331 at 5,800-9,900). So with
    /// <paramref name="drained"/> a third row gives each side's rate until drained: its 2xx over the slices' time plus
    /// the time each took to drain (from the slice's end to the start of the first quiet second, looked at every
    /// 100 ms, <see cref="CpuMeter.DrainedAsync"/>), and their ratio: what each way in does with all its work done.
    /// </para>
    /// </summary>
    public async Task<(double Straight, double Gateway)> Paired(
        string straightLabel, string? baselineName, double? baseline, Func<int, Task<HttpStatusCode>> straight,
        string gatewayLabel, Func<int, Task<HttpStatusCode>> gateway, bool drained = false)
    {
        var count = options.Clients;
        await WarmUp(straight, count);
        await WarmUp(gateway, count);
        var slices = Slices;
        if (WarmSeconds > 0)
        {
            // The same turns, not counted: what a just-started system does is printed apart.
            var warm = new[] { new Tally(Cpu.Now().Length), new Tally(Cpu.Now().Length) };
            var warmTurns = Math.Max(2, slices + slices % 2);
            for (var turn = 0; turn < warmTurns; turn++)
            {
                await Slice(turn % 2 == 0 ? straight : gateway, count, WarmSeconds / warmTurns, warm[turn % 2], 500_000_000 + turn * 1_000_000);
            }
            Console.WriteLine(FormattableString.Invariant(
                $"  warm-up, not counted: {WarmSeconds:F0} s in turns, {warm[0].Ok / warm[0].Elapsed.TotalSeconds:F0}/s straight, {warm[1].Ok / warm[1].Elapsed.TotalSeconds:F0}/s through the gateway; straight: {Cpu.Format(warm[0].CpuMs, warm[0].Requests)}"));
        }
        if (drained)
        {
            await Cpu.DrainedAsync(TimeSpan.FromMinutes(1)); // the warm-up's work, not counted
        }
        var load = Load.Now();
        var sides = new[] { new Tally(Cpu.Now().Length), new Tally(Cpu.Now().Length) };
        var draining = new TimeSpan[2];
        var slice = options.Seconds / slices;
        var sliceRates = new[] { new double[slices], new double[slices] };
        var n = 0;
        for (var pair = 0; pair < slices; pair++)
        {
            // A B | B A | A B | B A …: each side goes first in half the pairs.
            int[] order = pair % 2 == 0 ? [0, 1] : [1, 0];
            foreach (var side in order)
            {
                var (ok, elapsed) = await Slice(side == 0 ? straight : gateway, count, slice, sides[side], n);
                sliceRates[side][pair] = ok / elapsed.TotalSeconds;
                if (drained && await Cpu.DrainedAsync(TimeSpan.FromMinutes(1)) is { } drain)
                {
                    draining[side] += drain;
                }
                n += 1_000_000; // request numbers keep growing across slices (tokens and targets in turn)
            }
        }
        var rates = sides.Select(t => t.Ok / t.Elapsed.TotalSeconds).ToArray();
        var pairRatios = Enumerable.Range(0, slices).Where(p => sliceRates[0][p] > 0).Select(p => sliceRates[1][p] / sliceRates[0][p]).ToArray();
        var from = drained ? ", each from a quiet system" : "";
        var turns = $"in turns: {slices}+{slices} slices of {slice:F1} s{from}";
        report.Row(straightLabel, rates[0], baselineName, baseline, sides[0].Latencies, load,
            $"{Statuses(sides[0].Statuses)} {turns} {Cpu.Format(sides[0].CpuMs, sides[0].Requests)}".Trim());
        var spread = pairRatios.Length > 0
            ? $"slice pairs' ratios {pairRatios.Min().ToString("F2", CultureInfo.InvariantCulture)}-{pairRatios.Max().ToString("F2", CultureInfo.InvariantCulture)}"
            : "";
        report.Row(gatewayLabel, rates[1], "straight", rates[0], sides[1].Latencies, Load.Now(),
            $"{Statuses(sides[1].Statuses)} {turns}, {spread} {Cpu.Format(sides[1].CpuMs, sides[1].Requests)}".Trim());
        if (drained && draining[0] > TimeSpan.Zero)
        {
            var done = sides.Select((t, k) => t.Ok / (t.Elapsed + draining[k]).TotalSeconds).ToArray();
            report.Row(gatewayLabel.Replace("command through the gateway", "until drained, through the gateway", StringComparison.Ordinal),
                done[1], "straight until drained", done[0], null, Load.Now(),
                FormattableString.Invariant($"2xx over the slices plus their draining: straight {sides[0].Elapsed.TotalSeconds:F0}+{draining[0].TotalSeconds:F1} s, through the gateway {sides[1].Elapsed.TotalSeconds:F0}+{draining[1].TotalSeconds:F1} s"));
            if (baselineName is not null && baseline is > 0)
            {
                report.Ratio("  straight until drained, against the baseline", done[0], baselineName, baseline.Value);
            }
        }
        return (rates[0], rates[1]);
    }

    /// <summary>One request from each client: its connection and its token's first validation are not measured.</summary>
    private static async Task WarmUp(Func<int, Task<HttpStatusCode>> send, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await send(i);
        }
    }

    /// <summary>What a figure has counted so far, over one or more slices.</summary>
    private sealed class Tally(int processes)
    {
        public Latencies Latencies { get; } = new();
        public ConcurrentDictionary<int, int> Statuses { get; } = new();
        public long Ok;
        public TimeSpan Elapsed;
        public double[] CpuMs { get; } = new double[processes];
        public long Requests => Statuses.Values.Sum();
    }

    /// <summary>
    /// The closed loop for <paramref name="seconds"/>, request numbers from <paramref name="first"/> on; adds what it
    /// counted (answers, latencies of the 2xx, time, each process's CPU) to <paramref name="tally"/>; returns this
    /// slice's 2xx and its length.
    /// </summary>
    private async Task<(long Ok, TimeSpan Elapsed)> Slice(Func<int, Task<HttpStatusCode>> send, int count, double seconds, Tally tally, int first)
    {
        long ok = 0;
        var before = Cpu.Now();
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async client =>
        {
            for (var n = first + client; Stopwatch.GetTimestamp() < until; n += count)
            {
                var begun = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    status = (int)await send(n);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                if (status is >= 200 and < 300)
                {
                    tally.Latencies.Add(Stopwatch.GetElapsedTime(begun));
                    Interlocked.Increment(ref ok);
                }
                tally.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var after = Cpu.Now();
        for (var k = 0; k < after.Length; k++)
        {
            tally.CpuMs[k] += after[k] - before[k];
        }
        tally.Ok += ok;
        tally.Elapsed += elapsed;
        return (ok, elapsed);
    }

    public static string Statuses(ConcurrentDictionary<int, int> statuses) =>
        string.Join(' ', statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "timeout/refused" : s.Key)}:{s.Value}"));

    /// <summary>
    /// A school of 锦江区 registered through Alliances (once a run), known to every service that knows schools
    /// (Activities, CampusSafety, Wellbeing learn it from MemberUnitRegistered): a school admin's token is refused by a
    /// service until it does, so this waits (at most 3 minutes) until each answers one.
    /// </summary>
    public async Task<Guid> SchoolAsync()
    {
        if (school is { } known)
        {
            return known;
        }
        var county = (await Tokens([new { role = "CountyAdmin", region = County, subject = "bench-school-registrar" }]))[0];
        var (unit, _) = await Must(HttpMethod.Post, $"{options.Gateway}/api/alliances/units", county,
            new { kind = "School", name = $"基准实验学校{Guid.NewGuid():N}"[..14], countyCode = County });
        var id = unit.GetProperty("id").GetGuid();
        var admin = (await Tokens([new { role = "SchoolAdmin", region = County, schoolId = id, subject = "bench-school-probe" }]))[0];
        var waiting = Stopwatch.StartNew();
        foreach (var probe in new[] { "/api/activities/?pageSize=1", "/api/campussafety/reports/?pageSize=1", "/api/wellbeing/children/?pageSize=1" })
        {
            while ((await Call(HttpMethod.Get, options.Gateway + probe, admin, readBody: false)).Status != HttpStatusCode.OK)
            {
                if (waiting.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new InvalidOperationException($"school {id} not known after 3 minutes ({probe})");
                }
                await Task.Delay(250);
            }
        }
        Console.WriteLine($"school {id} registered and known to every service in {waiting.Elapsed.TotalSeconds:F1} s");
        school = id;
        return id;
    }
}

/// <summary>
/// CPU time per request of each process named by <c>--cpu name=PID,…</c> (benchmarks/system.sh passes the gateway,
/// the services, the DCP proxy in front of them, PostgreSQL and RabbitMQ) and of this benchmark itself: on a shared
/// 2-core machine the throughput is what the CPU allows, so where the CPU goes per request says what a hop costs.
/// Read from /proc/PID/stat (user + system time, in clock ticks of 10 ms). <c>name=tree:PID</c> counts a process with
/// its children, those running and those ended (PostgreSQL: the postmaster and one backend per connection, which come
/// and go with the pools).
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<(string Name, int[] Pids)> processes)
{
    private const string TreePrefix = "tree:";

    private const double TickMs = 10;

    public static CpuMeter From(string[] args)
    {
        var i = Array.IndexOf(args, "--cpu");
        if (i < 0 || i + 1 >= args.Length)
        {
            return new CpuMeter([]);
        }
        return new CpuMeter([.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .Where(p => p.Length == 2)
            // A tree is kept as its root's pid negated.
            .Select(p => (p[0], p[1].StartsWith(TreePrefix, StringComparison.Ordinal)
                ? [-int.Parse(p[1][TreePrefix.Length..], CultureInfo.InvariantCulture)]
                : p[1].Split('+', StringSplitOptions.RemoveEmptyEntries).Select(pid => int.Parse(pid, CultureInfo.InvariantCulture)).ToArray()))]);
    }

    public double[] Now() =>
        [.. processes.Select(p => p.Pids.Sum(pid => pid < 0 ? TreeTicks(-pid) : Ticks(pid)) * TickMs), Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds];

    /// <summary>CPU milliseconds the system's processes (not this benchmark) have used so far.</summary>
    private double SystemMs() => Now()[..^1].Sum();

    /// <summary>"cpu µs/req: gateway 210, alliances 150, …, bench 90": <paramref name="cpuMs"/> (each process's CPU
    /// milliseconds, in the order of <see cref="Now"/>) per request.</summary>
    public string Format(double[] cpuMs, long requests)
    {
        if (requests == 0 || cpuMs.Length == 0)
        {
            return "";
        }
        var names = processes.Select(p => p.Name).Append("bench").ToArray();
        return "cpu µs/req: " + string.Join(", ", names.Select((name, k) => $"{name} {cpuMs[k] * 1000 / requests:F0}"));
    }

    /// <summary>The same since <paramref name="before"/> (a reading of <see cref="Now"/>).</summary>
    public string Since(double[] before, long requests) =>
        Format([.. Now().Select((now, k) => now - before[k])], requests);

    /// <summary>The system's own use of CPU when nothing is asked of it, in ms a second (<see cref="MeasureFloorAsync"/>).</summary>
    public double FloorMsPerSecond { get; private set; }

    /// <summary>
    /// Reads what the system's processes use when nothing is asked of them (the event daemons' polling, the pools'
    /// pruning, the dashboard, the broker's timers): the least of <paramref name="seconds"/> one-second readings. Taken
    /// once before any load, so that <see cref="SettleAsync"/> waits for that, not for a share the idle system itself
    /// exceeds (it used about 12 % of a core with six services, and every settle ran to its limit of 3 minutes).
    /// </summary>
    public async Task MeasureFloorAsync(int seconds = 5)
    {
        if (processes.Count == 0)
        {
            return;
        }
        var least = double.MaxValue;
        var last = SystemMs();
        for (var i = 0; i < seconds; i++)
        {
            await Task.Delay(1000);
            var now = SystemMs();
            least = Math.Min(least, now - last);
            last = now;
        }
        FloorMsPerSecond = least;
    }

    /// <summary>
    /// Waits until the system is quiet: its processes together used under <paramref name="busyShare"/> of one core, or
    /// under <paramref name="busyShare"/> / 2 above their idle floor (<see cref="MeasureFloorAsync"/>) where that is
    /// higher, in each of three seconds in a row (a seed's events consumed by the other
    /// services, their projections and the publishers caught up), at most <paramref name="limit"/>; returns how long
    /// that took, or null without processes.
    /// </summary>
    public async Task<TimeSpan?> SettleAsync(TimeSpan limit, double busyShare = 0.1)
    {
        if (processes.Count == 0)
        {
            return null;
        }
        var threshold = QuietMsPerSecond(busyShare);
        var watch = Stopwatch.StartNew();
        var quiet = 0;
        var last = SystemMs();
        while (quiet < 3 && watch.Elapsed < limit)
        {
            await Task.Delay(1000);
            var now = SystemMs();
            quiet = now - last < threshold ? quiet + 1 : 0;
            last = now;
        }
        return watch.Elapsed;
    }

    /// <summary>
    /// Waits until the system has been quiet for one second (the same measure as <see cref="SettleAsync"/>, over a
    /// window that moves every 100 ms), at most <paramref name="limit"/>; returns how long after the call its work
    /// ended, that is the start of the quiet second (the limit if it never came), or null without processes.
    /// </summary>
    public async Task<TimeSpan?> DrainedAsync(TimeSpan limit, double busyShare = 0.1)
    {
        if (processes.Count == 0)
        {
            return null;
        }
        var threshold = QuietMsPerSecond(busyShare);
        var second = TimeSpan.FromSeconds(1);
        var watch = Stopwatch.StartNew();
        var window = new Queue<(TimeSpan At, double Ms)>();
        window.Enqueue((TimeSpan.Zero, SystemMs()));
        while (watch.Elapsed < limit)
        {
            await Task.Delay(100);
            var now = (At: watch.Elapsed, Ms: SystemMs());
            window.Enqueue(now);
            while (window.Count > 2 && now.At - window.ElementAt(1).At >= second)
            {
                window.Dequeue();
            }
            var (at, ms) = window.Peek();
            if (now.At - at >= second && (now.Ms - ms) / (now.At - at).TotalSeconds < threshold)
            {
                return at;
            }
        }
        return limit;
    }

    /// <summary>Below how many ms of CPU a second the system counts as quiet (<see cref="SettleAsync"/>).</summary>
    private double QuietMsPerSecond(double busyShare) => Math.Max(busyShare * 1000, FloorMsPerSecond + busyShare * 500);

    private static long Ticks(int pid) => Stat(pid, withEnded: false);

    /// <summary>
    /// The process, its ended children (counted into it when it reaps them) and its running children: a child that ends
    /// between two readings moves from the last to the second, so nothing is counted twice.
    /// </summary>
    private static long TreeTicks(int pid)
    {
        var own = Stat(pid, withEnded: true);
        try
        {
            return own + File.ReadAllText($"/proc/{pid}/task/{pid}/children")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Sum(child => Ticks(int.Parse(child, CultureInfo.InvariantCulture)));
        }
        catch (IOException)
        {
            return own;
        }
    }

    private static long Stat(int pid, bool withEnded)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15, and the waited-for
            // children's cutime 16, cstime 17.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return withEnded
                ? ticks + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)
                : ticks;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
