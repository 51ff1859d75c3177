using System.Diagnostics.Metrics;
using System.Net;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// The periodic checks seen by operators (issue 12, "Timers that can be seen and tried"): through the gateway, the
/// Operator role reads each service's checks with their last run, next run and what they did, and may run one now;
/// nobody else may, and an operator reads no domain data. The same runs show as OpenTelemetry metrics.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class OperationsApiTests(AlliancesSystem system)
{
    private HttpClient Operator() => system.Client(Role.Operator, "51");

    [Fact]
    public async Task An_operator_sees_the_overdue_checks_last_run_what_it_did_and_its_next_run()
    {
        var w = await system.World();
        var due = system.Today.AddDays(1);
        var id = (await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "护学岗排班", dueOn = due.ToString("yyyy-MM-dd"), slaDays = 0,
        }).Ok(HttpStatusCode.Created)).Id();
        var asOf = new DateTimeOffset(due.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddMinutes(7);

        var measured = new List<(string Instrument, long Value, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PeriodicCheckMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var all = tags.ToArray();
            if (all.Any(t => t.Key == "check" && (string?)t.Value == nameof(OverdueCheck)))
            {
                lock (measured) measured.Add((instrument.Name, value, (string?)all.FirstOrDefault(t => t.Key == "outcome").Value));
            }
        });
        listener.Start();

        Assert.True(await system.Services("alliances").RunCheckAsync<OverdueCheck>(asOf) >= 1);
        Assert.Equal("Overdue", (await w.Admin.GetAsync($"/api/alliances/responsibilities/{id}").Ok()).Str("status"));

        var status = await Operator().GetAsync("/api/alliances/operations/checks").Ok();
        Assert.Equal("alliances", status.Str("service"));
        var check = Assert.Single(status.GetProperty("checks").EnumerateArray(), c => c.Str("name") == nameof(OverdueCheck));
        Assert.Contains("逾期", check.Str("acts"));
        Assert.Equal("00:05:00", check.Str("interval"));
        Assert.True(check.GetProperty("enabled").GetBoolean());
        var now = status.GetProperty("now").GetDateTimeOffset();
        var next = check.GetProperty("nextRun").GetDateTimeOffset();
        Assert.True(next > now && next <= now.AddMinutes(5), $"next run {next} after {now}");
        var run = Assert.Single(check.GetProperty("recent").EnumerateArray(), r => r.GetProperty("asOf").GetDateTimeOffset() == asOf);
        Assert.Equal("Succeeded", run.Str("outcome"));
        Assert.Equal("Manual", run.Str("trigger"));
        Assert.True(run.GetProperty("acted").GetInt32() >= 1);
        Assert.True(check.GetProperty("actedLast24h").GetInt32() >= 1);

        // Tried by an operator: it runs now, on the service's clock, and finds nothing more to do for this one.
        var tried = await Operator().Post($"/api/alliances/operations/checks/{nameof(OverdueCheck)}/run", null).Ok();
        Assert.Equal("Operator", tried.Str("trigger"));
        Assert.Equal("Succeeded", tried.Str("outcome"));
        Assert.Equal(system.Now, tried.GetProperty("asOf").GetDateTimeOffset());

        listener.RecordObservableInstruments();
        lock (measured)
        {
            Assert.Contains(measured, m => m.Instrument == "jlt.checks.runs" && m.Outcome == "succeeded");
            Assert.Contains(measured, m => m.Instrument == "jlt.checks.acted" && m.Value >= 1);
            Assert.Contains(measured, m => m.Instrument == "jlt.checks.next_run" && m.Value > system.Now.ToUnixTimeSeconds());
            Assert.Contains(measured, m => m.Instrument == "jlt.checks.last_run");
        }
    }

    [Fact]
    public async Task Every_services_checks_report_through_the_gateway()
    {
        var expected = new Dictionary<string, string[]>
        {
            ["alliances"] = [nameof(OverdueCheck), nameof(DeadlineReminderCheck)],
            ["campussafety"] = ["HazardOverdueCheck", "GuardShiftMissedCheck"],
            ["wellbeing"] = ["ReferralOverdueCheck", "CrisisEscalationCheck", "FollowUpCheck", "RetentionCheck"],
            ["activities"] = [],
            ["parentschool"] = [],
        };
        foreach (var (service, checks) in expected)
        {
            var status = await Operator().GetAsync($"/api/{service}/operations/checks").Ok();
            var names = status.GetProperty("checks").EnumerateArray().Select(c => c.Str("name")).ToList();
            Assert.All(checks, c => Assert.Contains(c, names));
            Assert.All(status.GetProperty("checks").EnumerateArray(), c => Assert.NotEqual(JsonValueKindNull, c.GetProperty("nextRun").ValueKind));
        }
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Only_operators_read_it_and_operators_read_no_domain_data()
    {
        foreach (var role in new[] { Role.ProvinceAdmin, Role.CountyAdmin, Role.SchoolAdmin })
        {
            var refused = await system.Client(role, role == Role.ProvinceAdmin ? "51" : "510104",
                schoolId: role == Role.SchoolAdmin ? Guid.NewGuid() : null).GetAsync("/api/alliances/operations/checks");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("无权操作", (await refused.ReadJson()).Str("title"));
        }
        var nosy = await Operator().GetAsync("/api/alliances?county=510104");
        Assert.Equal(HttpStatusCode.Forbidden, nosy.StatusCode);
        Assert.Contains("Operator", (await nosy.ReadJson()).Str("detail"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Operator().GetAsync("/api/alliances/coverage?region=51")).StatusCode);

        var missing = await Operator().Post("/api/alliances/operations/checks/NoSuchCheck/run", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
