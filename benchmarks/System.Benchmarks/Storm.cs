using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using JiaoLianTi.BenchKit;

/// <summary>
/// 报名风暴 / The registration storm through the gateway: a school's lecture opens with --seats (500) seats and
/// --parents (10,000) parents, each their own token (subject and child), register their child at once, --storm-clients
/// (256) requests in flight. A parent whose request is answered 429 or 503 (the gateway's or the service's capacity)
/// or not at all tries again after its Retry-After (1 s without one), up to 20 times, as the parents' pages do: a
/// registration is idempotent (the same child again gets the same answer), so a retry never takes a second seat.
/// Counted and checked in the row's note: exactly --seats confirmed, the rest waitlisted at positions 1..n without a
/// gap or a repeat, none refused, and the activity's own detail (seats left, waitlist length) agreeing.
/// </summary>
internal static class Storm
{
    public static async Task RunAsync(Bench bench, double pgInserts)
    {
        var parents = bench.Number("--parents", 10_000);
        var seats = bench.Number("--seats", 500);
        var inFlight = bench.Number("--storm-clients", 256);
        var gateway = bench.Options.Gateway;
        var school = await bench.SchoolAsync();

        var admin = (await bench.Tokens([new { role = "SchoolAdmin", region = Bench.County, schoolId = school, subject = "bench-storm-admin" }]))[0];
        var starts = DateTimeOffset.UtcNow.AddDays(20);
        var (drafted, etag) = await bench.Must(HttpMethod.Post, $"{gateway}/api/activities/", admin, new
        {
            kind = "Lecture", title = "报名风暴：院士讲座", location = "学校报告厅", offCampus = false, startsAt = starts,
            endsAt = starts.AddHours(2), seats, minAge = 6, maxAge = 18, topics = new[] { "VenueSchool" },
        });
        var activity = drafted.GetProperty("id").GetGuid();
        await bench.Must(HttpMethod.Post, $"{gateway}/api/activities/{activity}/open", admin, new { }, etag);

        var minting = Stopwatch.StartNew();
        var children = Enumerable.Range(0, parents).Select(_ => Guid.NewGuid()).ToArray();
        var tokens = await bench.Tokens([.. children.Select(c => (object)new
        {
            role = "Parent", region = Bench.County, schoolId = school, subject = $"bench-parent-{c:N}", children = new[] { c },
        })]);
        Console.WriteLine($"storm: {parents:N0} parents' tokens minted in {minting.Elapsed.TotalSeconds:F1} s");
        var birthDate = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-12).AddDays(-30);

        var load = Load.Now();
        var latencies = new Latencies();
        var statuses = new ConcurrentDictionary<int, int>();
        var answers = new ConcurrentBag<(string Status, int? Position)>();
        long retried = 0, gaveUp = 0;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, parents), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (i, _) =>
        {
            var begun = Stopwatch.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                int status;
                TimeSpan? retryAfter = null;
                try
                {
                    var (code, body, _, after) = await bench.Call(HttpMethod.Post, $"{gateway}/api/activities/{activity}/registrations", tokens[i],
                        new { studentId = children[i], displayName = "学生", birthDate, guardianConsent = true });
                    status = (int)code;
                    retryAfter = after;
                    if (status is 200 or 201)
                    {
                        var position = body.GetProperty("waitlistPosition");
                        answers.Add((body.GetProperty("status").GetString()!, position.ValueKind == System.Text.Json.JsonValueKind.Number ? position.GetInt32() : null));
                        latencies.Add(Stopwatch.GetElapsedTime(begun));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status is not (0 or 429 or 503))
                {
                    return;
                }
                if (attempt == 20)
                {
                    Interlocked.Increment(ref gaveUp);
                    return;
                }
                Interlocked.Increment(ref retried);
                await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var confirmed = answers.Count(a => a.Status == "Confirmed");
        var positions = answers.Where(a => a.Status == "Waitlisted").Select(a => a.Position ?? 0).Order().ToArray();
        var inOrder = positions.SequenceEqual(Enumerable.Range(1, positions.Length));
        var other = answers.Count - confirmed - positions.Length;
        var (view, _) = await bench.Must(HttpMethod.Get, $"{gateway}/api/activities/{activity}", admin);
        var seatsLeft = view.GetProperty("seatsLeft").GetInt32();
        var waiting = view.GetProperty("waitlistLength").GetInt32();
        var expectedWaiting = Math.Max(0, parents - seats);
        var correct = parents > 0 && confirmed == Math.Min(seats, parents) && positions.Length == expectedWaiting && inOrder && other == 0
            && gaveUp == 0 && seatsLeft == Math.Max(0, seats - parents) && waiting == expectedWaiting;
        bench.Report.Row($"registration storm: {parents:N0} parents, {seats:N0} seats (gateway)", parents / elapsed,
            pgInserts > 0 ? "PG inserts" : null, pgInserts > 0 ? pgInserts : null, latencies, load,
            $"{(correct ? "CORRECT" : "WRONG")}: confirmed {confirmed:N0}/{seats:N0}, waitlisted {positions.Length:N0} " +
            $"(positions 1..{positions.Length:N0} {(inOrder ? "without gaps or repeats" : "NOT in order")}), other {other}, " +
            $"gave up {gaveUp}; activity: {seatsLeft} seats left, {waiting:N0} waiting; retried {retried:N0}; " +
            $"answers {Bench.Statuses(statuses)}; {elapsed:F1} s, {inFlight} in flight");
    }
}
