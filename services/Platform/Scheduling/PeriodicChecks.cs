using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.Scheduling;

/// <summary>
/// A background process that looks at read models and acts on what it finds (overdue responsibilities, missed guard
/// shifts, referrals past their SLA, records past retention). It must be idempotent: running it twice at the same
/// moment, or on two replicas at once, appends nothing the first run did not (the decider refuses a second
/// "overdue", and optimistic concurrency stops a racing replica).
/// </summary>
public interface IPeriodicCheck
{
    /// <summary>Looks at the state as of <paramref name="now"/> and acts. Returns how many things it acted on.</summary>
    Task<int> RunAsync(DateTimeOffset now, CancellationToken ct);
}

public static class PeriodicChecks
{
    /// <summary>
    /// Runs <typeparamref name="TCheck"/> (a scoped service) every <paramref name="interval"/> by the service's
    /// <see cref="TimeProvider"/>. <c>Checks:{TCheck name}:Interval</c> (a TimeSpan) overrides the interval;
    /// <c>Checks:Enabled=false</c> switches every check off (tests then run a check by resolving it and calling
    /// <see cref="IPeriodicCheck.RunAsync"/> at the time they choose).
    /// </summary>
    public static IServiceCollection AddPeriodicCheck<TCheck>(this IHostApplicationBuilder builder, TimeSpan interval)
        where TCheck : class, IPeriodicCheck
    {
        builder.Services.AddScoped<TCheck>();
        var configured = builder.Configuration[$"Checks:{typeof(TCheck).Name}:Interval"];
        if (configured is not null && TimeSpan.TryParse(configured, out var every))
        {
            interval = every;
        }
        if (builder.Configuration.GetValue("Checks:Enabled", true))
        {
            builder.Services.AddSingleton<IHostedService>(sp => new PeriodicCheckRunner<TCheck>(
                sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<TimeProvider>(), interval,
                sp.GetRequiredService<ILogger<PeriodicCheckRunner<TCheck>>>()));
        }
        return builder.Services;
    }

    /// <summary>Runs a check once, now, in a scope of its own (what the background loop does each turn).</summary>
    public static async Task<int> RunCheckAsync<TCheck>(this IServiceProvider services, DateTimeOffset now, CancellationToken ct = default)
        where TCheck : class, IPeriodicCheck
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TCheck>().RunAsync(now, ct);
    }
}

internal sealed class PeriodicCheckRunner<TCheck>(
    IServiceScopeFactory scopes, TimeProvider clock, TimeSpan interval, ILogger<PeriodicCheckRunner<TCheck>> logger)
    : BackgroundService where TCheck : class, IPeriodicCheck
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var acted = await scope.ServiceProvider.GetRequiredService<TCheck>().RunAsync(clock.GetUtcNow(), stoppingToken);
                if (acted > 0)
                {
                    logger.LogInformation("定时检查 / Periodic check {Check} acted on {Count} item(s)", typeof(TCheck).Name, acted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // A failed turn is logged and retried at the next interval; the process never dies of it.
                logger.LogError(error, "定时检查失败 / Periodic check {Check} failed", typeof(TCheck).Name);
            }
        }
    }
}
