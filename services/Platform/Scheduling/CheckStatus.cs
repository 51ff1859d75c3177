using System.Diagnostics;
using System.Diagnostics.Metrics;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace JiaoLianTi.Platform.Scheduling;

/// <summary>What started a run: the clock (one replica per period), an operator's "run now", or a test's call.</summary>
public enum CheckTrigger
{
    Schedule,
    Operator,
    Manual,
}

/// <summary>A check as this service registered it (<see cref="PeriodicChecks.AddPeriodicCheck{TCheck}"/>).</summary>
public sealed record PeriodicCheckRegistration(
    string Name, TimeSpan Interval, bool Enabled, string Acts,
    Func<IServiceProvider, DateTimeOffset, CheckTrigger, CancellationToken, Task<int>> Run);

/// <summary>One run of a check, as <c>jlt.periodic_check_log</c> keeps it.</summary>
public sealed record CheckRun(
    DateTimeOffset AsOf, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int? Acted, string? Error,
    CheckTrigger Trigger, string Holder)
{
    public string Outcome => Error is not null ? "Failed" : FinishedAt is null ? "Running" : "Succeeded";
}

/// <summary>A check's status for operators: when it last ran and what it did, when it runs next.</summary>
public sealed record CheckStatus(
    string Name, string Acts, string Interval, bool Enabled, DateTimeOffset? NextRun, CheckRun? LastRun,
    int RunsLast24h, int ActedLast24h, int FailedLast24h, IReadOnlyList<CheckRun> Recent);

public sealed record ChecksStatus(string Service, DateTimeOffset Now, IReadOnlyList<CheckStatus> Checks);

/// <summary>
/// The OpenTelemetry instruments of the periodic checks (meter <c>JiaoLianTi.Checks</c>, tagged with the service and
/// the check): runs by outcome, items acted on, run duration, and the last run and next run as Unix seconds.
/// </summary>
public sealed class PeriodicCheckMetrics : IDisposable
{
    public const string MeterName = "JiaoLianTi.Checks";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> runs;
    private readonly Counter<long> acted;
    private readonly Histogram<double> duration;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> lastRun = new();
    private readonly string service;

    public PeriodicCheckMetrics(IHostEnvironment environment, TimeProvider clock, IEnumerable<PeriodicCheckRegistration> checks)
    {
        service = environment.ApplicationName;
        runs = meter.CreateCounter<long>("jlt.checks.runs", "{run}", "定时检查运行次数 / Periodic check runs, by outcome");
        acted = meter.CreateCounter<long>("jlt.checks.acted", "{item}", "定时检查处理的条目 / Items a periodic check acted on");
        duration = meter.CreateHistogram<double>("jlt.checks.duration", "s", "定时检查耗时 / Duration of a periodic check run");
        var registered = checks.ToList();
        meter.CreateObservableGauge("jlt.checks.last_run", () => lastRun.Select(r =>
            new Measurement<long>(r.Value.ToUnixTimeSeconds(), Tags(r.Key))), "s",
            "上次运行（Unix 秒）/ Last run of a check on this process, Unix seconds");
        meter.CreateObservableGauge("jlt.checks.next_run", () => registered.Where(c => c.Enabled).Select(c =>
            new Measurement<long>((PeriodicChecks.PeriodStart(clock.GetUtcNow(), c.Interval) + c.Interval).ToUnixTimeSeconds(),
                Tags(c.Name))), "s", "下次运行（Unix 秒）/ Next run of a check, Unix seconds");
        meter.CreateObservableGauge("jlt.checks.interval", () => registered.Where(c => c.Enabled).Select(c =>
            new Measurement<double>(c.Interval.TotalSeconds, Tags(c.Name))), "s", "检查周期（秒）/ A check's period, seconds");
    }

    public void Record(string check, DateTimeOffset at, TimeSpan took, int? items, bool failed)
    {
        lastRun[check] = at;
        var tags = Tags(check);
        runs.Add(1, [.. tags, new("outcome", failed ? "failed" : "succeeded")]);
        duration.Record(took.TotalSeconds, tags);
        if (items is > 0)
        {
            acted.Add(items.Value, tags);
        }
    }

    private KeyValuePair<string, object?>[] Tags(string check) => [new("service", service), new("check", check)];

    public void Dispose() => meter.Dispose();
}

/// <summary>
/// Every run of every check in the service's own database (<c>jlt.periodic_check_log</c>), whichever replica ran it,
/// so the status answers the same from every replica. Rows older than a week are deleted as new ones are written.
/// </summary>
public sealed class PeriodicCheckLog(IDocumentStore store)
{
    private const string Table = "jlt.periodic_check_log";
    private readonly OwnTable table = new(store, Table, $"""
        create table if not exists {Table} (
            id bigserial primary key, check_name text not null, as_of timestamptz not null,
            started_at timestamptz not null, finished_at timestamptz, acted int, error text,
            trigger text not null, holder text not null);
        create index if not exists periodic_check_log_by_check on {Table} (check_name, started_at desc);
        """);

    public async Task<long> StartedAsync(string check, DateTimeOffset asOf, DateTimeOffset startedAt, CheckTrigger trigger, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            delete from {Table} where check_name = @check and started_at < @before;
            insert into {Table} (check_name, as_of, started_at, trigger, holder) values (@check, @asOf, @started, @trigger, @holder) returning id;
            """;
        insert.Parameters.AddWithValue("check", check);
        insert.Parameters.AddWithValue("asOf", asOf.UtcDateTime);
        insert.Parameters.AddWithValue("started", startedAt.UtcDateTime);
        insert.Parameters.AddWithValue("before", startedAt.UtcDateTime.AddDays(-7));
        insert.Parameters.AddWithValue("trigger", trigger.ToString());
        insert.Parameters.AddWithValue("holder", PeriodLease.Holder);
        return (long)(await insert.ExecuteScalarAsync(ct))!;
    }

    public async Task FinishedAsync(long run, DateTimeOffset finishedAt, int? acted, string? error, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var update = connection.CreateCommand();
        update.CommandText = $"update {Table} set finished_at = @finished, acted = @acted, error = @error where id = @id";
        update.Parameters.AddWithValue("id", run);
        update.Parameters.AddWithValue("finished", finishedAt.UtcDateTime);
        update.Parameters.AddWithValue("acted", (object?)acted ?? DBNull.Value);
        update.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The latest <paramref name="take"/> runs of each check, newest first, and its counts since <paramref name="since"/>.</summary>
    public async Task<(IReadOnlyList<CheckRun> Recent, int Runs, int Acted, int Failed)> ReadAsync(
        string check, DateTimeOffset since, int take, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var read = connection.CreateCommand();
        read.CommandText = $"""
            select as_of, started_at, finished_at, acted, error, trigger, holder from {Table}
             where check_name = @check order by started_at desc, id desc limit @take;
            select count(*)::int, coalesce(sum(acted), 0)::int, count(error)::int from {Table}
             where check_name = @check and started_at >= @since;
            """;
        read.Parameters.AddWithValue("check", check);
        read.Parameters.AddWithValue("take", take);
        read.Parameters.AddWithValue("since", since.UtcDateTime);
        await using var reader = await read.ExecuteReaderAsync(ct);
        var recent = new List<CheckRun>();
        while (await reader.ReadAsync(ct))
        {
            recent.Add(new CheckRun(
                At(reader.GetDateTime(0)), At(reader.GetDateTime(1)), reader.IsDBNull(2) ? null : At(reader.GetDateTime(2)),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                Enum.Parse<CheckTrigger>(reader.GetString(5)), reader.GetString(6)));
        }
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (recent, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }

    private static DateTimeOffset At(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    private Task<Npgsql.NpgsqlConnection> OpenAsync(CancellationToken ct) => table.OpenAsync(ct);
}

/// <summary>Wraps one run: writes it to the log before and after, and to the metrics.</summary>
public sealed class PeriodicCheckRecorder(PeriodicCheckLog log, PeriodicCheckMetrics metrics, TimeProvider clock)
{
    public async Task<int> RecordAsync(string check, DateTimeOffset asOf, CheckTrigger trigger, Func<Task<int>> run, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var id = await log.StartedAsync(check, asOf, started, trigger, ct);
        try
        {
            var acted = await run();
            await log.FinishedAsync(id, clock.GetUtcNow(), acted, null, CancellationToken.None);
            metrics.Record(check, started, watch.Elapsed, acted, failed: false);
            return acted;
        }
        catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await log.FinishedAsync(id, clock.GetUtcNow(), null, $"{error.GetType().Name}: {error.Message}", CancellationToken.None);
            metrics.Record(check, started, watch.Elapsed, null, failed: true);
            throw;
        }
    }
}

/// <summary>
/// The operators' view of the periodic checks: <c>GET /api/{service}/operations/checks</c> (through the gateway),
/// and <c>POST /api/{service}/operations/checks/{name}/run</c> to run one now. Only the <c>Operator</c> role: it
/// names checks and counts, no domain data, and running a check is an operation on the service, not a business
/// decision (every check is idempotent and acts on the state as of its time, so an extra run changes nothing that
/// the next scheduled run would not).
/// </summary>
public static class PeriodicCheckStatusApi
{
    public const string OperatorPolicy = "operator";

    public static IServiceCollection AddPeriodicCheckStatus(this IServiceCollection services)
    {
        services.TryAddSingleton<PeriodicCheckLog>();
        services.TryAddSingleton<PeriodicCheckMetrics>();
        services.TryAddSingleton<PeriodicCheckRecorder>();
        // The gauges exist from the start, not from the first run.
        services.AddHostedService<MetricsAtStart>();
        return services;
    }

    public static WebApplication MapPeriodicCheckStatus(this WebApplication app, string serviceName)
    {
        var group = app.MapGroup($"/api/{serviceName}/operations/checks").WithTags("Operations 运维")
            .RequireAuthorization(OperatorPolicy);
        group.MapGet("/", (IServiceProvider services, TimeProvider clock, CancellationToken ct) =>
                Status(serviceName, services, clock, ct))
            .WithSummary("定时检查状态 / Periodic checks: last run, next run, what each did");
        group.MapPost("/{name}/run", RunNow)
            .WithSummary("立即运行定时检查 / Run a periodic check now");
        return app;
    }

    private sealed class MetricsAtStart(PeriodicCheckMetrics metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(metrics);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static async Task<Ok<ChecksStatus>> Status(string serviceName, IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var checks = new List<CheckStatus>();
        foreach (var check in services.GetServices<PeriodicCheckRegistration>().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var (recent, runs, acted, failed) = await services.GetRequiredService<PeriodicCheckLog>()
                .ReadAsync(check.Name, now.AddDays(-1), 10, ct);
            checks.Add(new CheckStatus(
                check.Name, check.Acts, check.Interval.ToString("c"), check.Enabled,
                check.Enabled ? PeriodicChecks.PeriodStart(now, check.Interval) + check.Interval : null,
                recent.FirstOrDefault(), runs, acted, failed, recent));
        }
        return TypedResults.Ok(new ChecksStatus(serviceName, now, checks));
    }

    private static async Task<Ok<CheckRun>> RunNow(string name, IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        var check = services.GetServices<PeriodicCheckRegistration>().FirstOrDefault(c => c.Name == name)
            ?? throw new Http.NotFoundException($"没有名为 {name} 的定时检查 / There is no periodic check named {name}.");
        await check.Run(services, clock.GetUtcNow(), CheckTrigger.Operator, ct);
        var (recent, _, _, _) = await services.GetRequiredService<PeriodicCheckLog>().ReadAsync(name, clock.GetUtcNow(), 1, ct);
        return TypedResults.Ok(recent[0]);
    }
}
