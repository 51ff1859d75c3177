using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using JiaoLianTi.BenchKit;

/// <summary>
/// 学习进度 / Lesson progress, the parent school's busiest write: --lesson-parents (200) parents, each their own token,
/// enrolled in a county course of 100 lessons, complete lesson after lesson for --seconds (a parent who reaches the
/// last lesson stops), straight to ParentSchool (when its address is given) and through the gateway, by different
/// parents so that every completion is a new one (each names the version it follows, If-Match, as the parents' pages do). Checked in the row's note: the completions acknowledged (200) are
/// exactly what the parents' own progress (GET /api/parentschool/my/courses/{id}) counts afterwards.
/// </summary>
internal static class LessonProgress
{
    private const int Lessons = 100;

    public static async Task RunAsync(Bench bench, double pgInserts)
    {
        var parents = bench.Number("--lesson-parents", 200);
        var gateway = bench.Options.Gateway;
        var admin = (await bench.Tokens([new { role = "CountyAdmin", region = Bench.County, subject = "bench-lessons-admin" }]))[0];
        var (drafted, etag) = await bench.Must(HttpMethod.Post, $"{gateway}/api/parentschool/courses/", admin, new
        {
            title = "基准：科学管理孩子的手机", topic = "PhoneUse", targetGrades = new[] { 4, 5, 6 }, scope = "County", regionCode = Bench.County,
            lessons = Enumerable.Range(1, Lessons).Select(n => new
            {
                title = $"第{n}课 Lesson {n}", durationMinutes = 8, text = $"## 第{n}课\n\n要点 / what parents take away",
                videoLinks = new[] { $"https://video.example.cn/bench/{n}" },
            }),
        });
        var course = drafted.GetProperty("id").GetGuid();
        var (published, _) = await bench.Must(HttpMethod.Post, $"{gateway}/api/parentschool/courses/{course}/publish", admin, null, etag);
        var lessons = published.GetProperty("lessons").EnumerateArray().Select(l => l.GetProperty("lessonId").GetGuid()).ToArray();

        double? straight = null;
        if (bench.Straight("parentschool") is { } service)
        {
            straight = await Measure(bench, service, "straight", course, lessons, parents, pgInserts > 0 ? "PG inserts" : null, pgInserts);
        }
        await Measure(bench, gateway, "through the gateway", course, lessons, parents, straight is null ? null : "straight", straight);
    }

    private static async Task<double> Measure(
        Bench bench, string root, string route, Guid course, Guid[] lessons, int parents, string? baselineName, double? baseline)
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        var tokens = await bench.Tokens([.. Enumerable.Range(0, parents).Select(i =>
            (object)new { role = "Parent", region = Bench.County, subject = $"bench-learner-{batch}-{i}" })]);
        // Each completion names the version it follows (If-Match), chained from the enrolment's ETag.
        var etags = new string?[parents];
        await Parallel.ForEachAsync(Enumerable.Range(0, parents), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            etags[i] = (await bench.Must(HttpMethod.Post, $"{root}/api/parentschool/courses/{course}/enrolment", tokens[i])).ETag);

        var next = new int[parents];
        var acknowledged = new long[parents];
        var latencies = new Latencies();
        var statuses = new ConcurrentDictionary<int, int>();
        var load = Load.Now();
        var until = Stopwatch.GetTimestamp() + (long)(bench.Options.Seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, parents).Select(async i =>
        {
            while (Stopwatch.GetTimestamp() < until && next[i] < lessons.Length)
            {
                var begun = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    var answer = await bench.Call(HttpMethod.Post,
                        $"{root}/api/parentschool/my/courses/{course}/lessons/{lessons[next[i]]}/completion", tokens[i], ifMatch: etags[i], readBody: false);
                    status = (int)answer.Status;
                    etags[i] = answer.ETag ?? etags[i];
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == 200)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(begun));
                    acknowledged[i]++;
                    next[i]++;
                }
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = acknowledged.Sum();

        // What each parent's own progress says now: the acknowledged completions, no more and no fewer.
        long counted = 0, differ = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, parents), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var (progress, _) = await bench.Must(HttpMethod.Get, $"{root}/api/parentschool/my/courses/{course}", tokens[i]);
            var completed = progress.GetProperty("lessonsCompleted").GetInt32();
            Interlocked.Add(ref counted, completed);
            if (completed != acknowledged[i])
            {
                Interlocked.Increment(ref differ);
            }
        });
        var rate = total / elapsed;
        bench.Report.Row($"lesson progress: {parents} parents completing lessons, {route}", rate, baselineName, baseline, latencies, load,
            $"{(differ == 0 && total > 0 ? "CORRECT" : "WRONG")}: {total:N0} acknowledged, {counted:N0} in the parents' progress " +
            $"({differ} parents differ); answers {Bench.Statuses(statuses)}");
        return rate;
    }
}
