using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

/// <summary>
/// 各服务的命令与查询 / A command, a list read and a detail read on each of the four services beside Alliances (whose
/// are in Program.cs), each straight to the service and through the gateway, by --clients clients taking 256 token
/// subjects in turn (Bench.Subjects). A command starts a new stream each time (what a busy day of each service mostly is):
/// <list type="bullet">
/// <item>activities: a school admin drafts a lecture (POST /api/activities), each a minute after the last (a calendar
///   of thousands at one instant is no school's); the school's calendar; one activity;</item>
/// <item>parentschool: a county admin drafts a micro-course of 3 lessons; the catalogue; one course;</item>
/// <item>campussafety: a school admin reports a hazard (its description sealed with its own key); the reports; one report;</item>
/// <item>wellbeing: a school admin records a child with the guardian's consent (personal details sealed with the
///   child's key); the children (no personal details); one child's record with purpose Care, which also appends the
///   read to the access log (a read there is a write).</item>
/// </list>
/// The straight command's baseline is the raw one-row PostgreSQL inserts; a read's, the trivial ping straight to
/// Alliances (what a signed-in request costs a service that does nothing); each gateway figure's, the same straight.
/// </summary>
internal static class ServiceScenarios
{
    public static readonly string[] Names = ["activities", "parentschool", "campussafety", "wellbeing"];

    private sealed record Scenario(
        string Service, string Command, Func<Guid, int, object> Body, string IdField, string List, Func<Guid, string> Detail,
        bool SchoolStaff);

    public static async Task RunAsync(Bench bench, double pgInserts, double pingStraight)
    {
        var wanted = Names.Where(bench.Options.Wants).ToArray();
        if (wanted.Length == 0)
        {
            return;
        }
        var school = await bench.SchoolAsync();
        var staff = await bench.Tokens([.. Enumerable.Range(0, Bench.Subjects(bench.Options)).Select(i =>
            (object)new { role = "SchoolAdmin", region = Bench.County, schoolId = school, subject = $"bench-school-admin-{i}" })]);
        var county = await bench.Tokens([.. Enumerable.Range(0, Bench.Subjects(bench.Options)).Select(i =>
            (object)new { role = "CountyAdmin", region = Bench.County, subject = $"bench-county-admin-{i}" })]);
        var starts = DateTimeOffset.UtcNow.AddDays(30);
        Scenario[] scenarios =
        [
            new("activities", "/api/activities/",
                (_, i) => new
                {
                    kind = "Lecture", title = $"基准讲座 {i}", location = "学校报告厅", offCampus = false, startsAt = starts.AddMinutes(i % 50_000),
                    endsAt = starts.AddMinutes(i % 50_000).AddHours(2), seats = 200, minAge = 9, maxAge = 15, topics = new[] { "VenueSchool" },
                },
                "id", "/api/activities/", id => $"/api/activities/{id}", SchoolStaff: true),
            new("parentschool", "/api/parentschool/courses/",
                (_, i) => new
                {
                    title = $"基准微课程 {i}", topic = "PhoneUse", targetGrades = new[] { 4, 5, 6 }, scope = "County", regionCode = Bench.County,
                    lessons = Enumerable.Range(1, 3).Select(n => new
                    {
                        title = $"第{n}课", durationMinutes = 10, text = "## 要点\n\n家长学习要点 / what parents take away",
                        videoLinks = new[] { $"https://video.example.cn/bench/{n}" },
                    }),
                },
                "id", "/api/parentschool/courses/", id => $"/api/parentschool/courses/{id}", SchoolStaff: false),
            new("campussafety", "/api/campussafety/reports/",
                (s, i) => new { schoolId = s, kind = "Traffic", description = $"放学时段东门外车辆违停 {i}", location = "东门外" },
                "id", "/api/campussafety/reports/", id => $"/api/campussafety/reports/{id}", SchoolStaff: true),
            new("wellbeing", "/api/wellbeing/children/",
                (s, i) => new
                {
                    schoolId = s, name = "基准学生", dateOfBirth = "2015-04-12", className = "四年级一班",
                    guardians = new[] { new { name = "基准家长", relation = "母亲" } }, consent = "Given", consentGivenBy = "基准家长",
                },
                "studentId", "/api/wellbeing/children/", id => $"/api/wellbeing/children/{id}?purpose=Care", SchoolStaff: true),
        ];
        foreach (var scenario in scenarios.Where(s => wanted.Contains(s.Service)))
        {
            await RunAsync(bench, scenario, scenario.SchoolStaff ? staff : county, school, pgInserts, pingStraight);
        }
    }

    private static async Task RunAsync(Bench bench, Scenario s, string[] tokens, Guid school, double pgInserts, double pingStraight)
    {
        var gateway = bench.Options.Gateway;
        var straight = bench.Straight(s.Service);
        var created = new ConcurrentBag<Guid>();
        Func<int, Task<HttpStatusCode>> Command(string root) => async i =>
        {
            var (status, body, _, _) = await bench.Call(HttpMethod.Post, root + s.Command, tokens[i % tokens.Length], s.Body(school, i));
            if (status == HttpStatusCode.Created)
            {
                created.Add(body.GetProperty(s.IdField).GetGuid());
            }
            return status;
        };
        Func<int, Task<HttpStatusCode>> Read(string root, Func<int, string> path) =>
            async i => (await bench.Call(HttpMethod.Get, root + path(i), tokens[i % tokens.Length], readBody: false)).Status;

        // Each figure straight and through the gateway in turns (Bench.Paired; a command's slices each from a quiet
        // system), or through the gateway alone when the service's own address is not known.
        async Task Figure(string straightLabel, string? baselineName, double? baseline,
            Func<string, Func<int, Task<HttpStatusCode>>> send, string gatewayLabel, bool drained = false)
        {
            if (straight is null)
            {
                await bench.ClosedLoop(gatewayLabel, null, null, send(gateway));
                return;
            }
            await bench.Paired(straightLabel, baselineName, baseline, send(straight), gatewayLabel, send(gateway), drained);
        }

        await Figure($"{s.Service}: command straight, POST {s.Command}", pgInserts > 0 ? "PG inserts" : null, pgInserts, Command,
            $"{s.Service}: command through the gateway", drained: true);

        var some = created.Take(Math.Max(bench.Options.Clients, 1)).ToArray();
        if (some.Length == 0)
        {
            Console.WriteLine($"{s.Service}: no command succeeded, so no detail to read");
        }
        var pingBaseline = pingStraight > 0 ? "ping straight" : null;
        await Figure($"{s.Service}: list straight, GET {s.List}", pingBaseline, pingStraight, root => Read(root, _ => s.List),
            $"{s.Service}: list through the gateway");
        if (some.Length > 0)
        {
            var detailPath = s.Detail(Guid.Empty).Replace(Guid.Empty.ToString(), "{id}", StringComparison.Ordinal).Split('?')[0];
            await Figure($"{s.Service}: detail straight, GET {detailPath}", pingBaseline, pingStraight,
                root => Read(root, i => s.Detail(some[i % some.Length])), $"{s.Service}: detail through the gateway");
        }
    }
}
