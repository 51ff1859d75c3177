using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Scheduling;

/// <summary>
/// A background process that looks at read models and acts on what it finds (overdue responsibilities, missed guard
/// shifts, referrals past their SLA, records past retention). It must be idempotent: running it twice at the same
/// moment appends nothing the first run did not (the decider refuses a second "overdue", and optimistic concurrency
/// stops a racing writer). With N replicas it still runs once per period: see <see cref="PeriodLease"/>.
/// </summary>
public interface IPeriodicCheck
{
    /// <summary>Looks at the state as of <paramref name="now"/> and acts. Returns how many things it acted on.</summary>
    Task<int> RunAsync(DateTimeOffset now, CancellationToken ct);
}

public static class PeriodicChecks
{
    /// <summary>
    /// Runs <typeparamref name="TCheck"/> (a scoped service) once every <paramref name="interval"/> by the service's
    /// <see cref="TimeProvider"/>, on one replica: periods are aligned to the clock (a 5-minute check runs at :00,
    /// :05 ...), every replica wakes at the period's start, and the one that claims the period in the service's
    /// database (<see cref="PeriodLease"/>) runs it. <c>Checks:{TCheck name}:Interval</c> (a TimeSpan) overrides
    /// the interval; <c>Checks:Enabled=false</c> switches every check off (tests then run a check by resolving it and
    /// calling <see cref="IPeriodicCheck.RunAsync"/> at the time they choose).
    /// </summary>
    /// <param name="acts">What the check does to what it finds, Chinese first (the operators' status shows it).</param>
    public static IServiceCollection AddPeriodicCheck<TCheck>(this IHostApplicationBuilder builder, TimeSpan interval, string? acts = null)
        where TCheck : class, IPeriodicCheck
    {
        builder.Services.AddScoped<TCheck>();
        builder.Services.AddSingleton<PeriodicCheckRuns>();
        builder.Services.AddSingleton<PeriodLease>();
        builder.Services.AddPeriodicCheckStatus();
        var configured = builder.Configuration[$"Checks:{typeof(TCheck).Name}:Interval"];
        if (configured is not null && TimeSpan.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var every))
        {
            interval = every;
        }
        var enabled = builder.Configuration.GetValue("Checks:Enabled", true);
        builder.Services.AddSingleton(new PeriodicCheckRegistration(
            typeof(TCheck).Name, interval, enabled, acts ?? typeof(TCheck).Name,
            (services, now, trigger, ct) => services.RunCheckAsync<TCheck>(now, trigger, ct)));
        if (enabled)
        {
            builder.Services.AddSingleton<IHostedService>(sp => new PeriodicCheckRunner<TCheck>(
                sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<TimeProvider>(), interval,
                sp.GetRequiredService<PeriodLease>(), sp.GetRequiredService<PeriodicCheckRuns>(),
                sp.GetRequiredService<ILogger<PeriodicCheckRunner<TCheck>>>()));
        }
        return builder.Services;
    }

    /// <summary>
    /// Runs a check once, now, in a scope of its own, without claiming a period (tests, operators). The run is
    /// recorded like a scheduled one (<see cref="PeriodicCheckLog"/>, metrics), marked with its trigger.
    /// </summary>
    public static Task<int> RunCheckAsync<TCheck>(this IServiceProvider services, DateTimeOffset now, CancellationToken ct = default)
        where TCheck : class, IPeriodicCheck =>
        services.RunCheckAsync<TCheck>(now, CheckTrigger.Manual, ct);

    internal static async Task<int> RunCheckAsync<TCheck>(
        this IServiceProvider services, DateTimeOffset now, CheckTrigger trigger, CancellationToken ct)
        where TCheck : class, IPeriodicCheck
    {
        await using var scope = services.CreateAsyncScope();
        var recorder = scope.ServiceProvider.GetService<PeriodicCheckRecorder>();
        if (recorder is null)
        {
            return await scope.ServiceProvider.GetRequiredService<TCheck>().RunAsync(now, ct);
        }
        return await recorder.RecordAsync(typeof(TCheck).Name, now, trigger,
            () => scope.ServiceProvider.GetRequiredService<TCheck>().RunAsync(now, ct), ct);
    }

    /// <summary>The start of the period <paramref name="now"/> falls in, periods aligned to the Unix epoch.</summary>
    public static DateTimeOffset PeriodStart(DateTimeOffset now, TimeSpan interval) =>
        new(now.UtcTicks - now.UtcTicks % interval.Ticks, TimeSpan.Zero);
}

/// <summary>What this process's check loops did: the periods run here, and how many another replica had claimed.</summary>
public sealed class PeriodicCheckRuns
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>> ran = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> skipped = new();

    public IReadOnlyList<DateTimeOffset> Ran(string check) => ran.TryGetValue(check, out var periods) ? [.. periods] : [];

    public int Skipped(string check) => skipped.GetValueOrDefault(check);

    internal void Record(string check, DateTimeOffset period, bool wasRun)
    {
        if (wasRun)
        {
            ran.GetOrAdd(check, _ => new()).Enqueue(period);
        }
        else
        {
            skipped.AddOrUpdate(check, 1, (_, n) => n + 1);
        }
    }
}

/// <summary>
/// One row per check and period in the service's own database (<c>jlt.periodic_check_runs</c>): the replica whose
/// insert succeeds runs the check for that period, the others skip it. A replica that dies mid-run loses that
/// period; the next period catches up, because every check acts on the state as of its time, not on what changed
/// since the last run. Rows older than a week are deleted as new ones are written.
/// </summary>
public sealed class PeriodLease(IDocumentStore store)
{
    private const string Table = "jlt.periodic_check_runs";
    private readonly OwnTable table = new(store, Table, $"""
        create table if not exists {Table} (
            check_name text not null, period_start timestamptz not null, holder text not null,
            claimed_at timestamptz not null default now(), primary key (check_name, period_start));
        """);

    /// <summary>The replica that runs a period, as the table shows it (its machine name and process id).</summary>
    public static string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<bool> TryClaimAsync(string check, DateTimeOffset period, CancellationToken ct, string? holder = null)
    {
        await using var connection = await table.OpenAsync(ct);
        await using var claim = connection.CreateCommand();
        claim.CommandText = $"insert into {Table} (check_name, period_start, holder) values (@check, @period, @holder) on conflict do nothing";
        claim.Parameters.AddWithValue("check", check);
        claim.Parameters.AddWithValue("period", period.UtcDateTime);
        claim.Parameters.AddWithValue("holder", holder ?? Holder);
        if (await claim.ExecuteNonQueryAsync(ct) != 1)
        {
            return false;
        }
        await using var prune = connection.CreateCommand();
        prune.CommandText = $"delete from {Table} where check_name = @check and period_start < @before";
        prune.Parameters.AddWithValue("check", check);
        prune.Parameters.AddWithValue("before", period.UtcDateTime.AddDays(-7));
        await prune.ExecuteNonQueryAsync(ct);
        return true;
    }
}

internal sealed class PeriodicCheckRunner<TCheck>(
    IServiceScopeFactory scopes, TimeProvider clock, TimeSpan interval, PeriodLease lease, PeriodicCheckRuns runs,
    ILogger<PeriodicCheckRunner<TCheck>> logger)
    : BackgroundService where TCheck : class, IPeriodicCheck
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var name = typeof(TCheck).Name;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Wake at the next period's start, as every replica does; one of them claims it.
                var now = clock.GetUtcNow();
                var next = PeriodicChecks.PeriodStart(now, interval) + interval;
                await Task.Delay(next - now, clock, stoppingToken);
                if (!await lease.TryClaimAsync(name, next, stoppingToken))
                {
                    runs.Record(name, next, wasRun: false);
                    continue;
                }
                await using var scope = scopes.CreateAsyncScope();
                var acted = await scope.ServiceProvider.RunCheckAsync<TCheck>(clock.GetUtcNow(), CheckTrigger.Schedule, stoppingToken);
                runs.Record(name, next, wasRun: true);
                if (acted > 0)
                {
                    logger.LogInformation("定时检查 / Periodic check {Check} acted on {Count} item(s)", name, acted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // A failed turn is logged and retried at the next period; the process never dies of it.
                logger.LogError(error, "定时检查失败 / Periodic check {Check} failed", name);
            }
        }
    }
}
