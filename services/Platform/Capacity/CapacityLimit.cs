using System.Globalization;
using System.Threading.RateLimiting;
using JiaoLianTi.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Capacity;

/// <summary>
/// 容量上限 / Capacity: past what a process can do at once, it says so at once instead of queueing until its callers
/// time out. At most <c>Capacity:Concurrency</c> requests run together in the process; up to <c>Capacity:QueueLimit</c>
/// more wait, oldest first, each at most <c>Capacity:QueueSeconds</c>; anything beyond is answered at once with 503,
/// <c>Retry-After</c> and a ProblemDetails in Chinese and English. Nothing was done, so the caller may retry as it is
/// (a change retried with the same If-Match gets 412 if an earlier try did go through). <c>/health</c> and
/// <c>/alive</c> are never limited: an orchestrator must see a busy process as alive. The gateway and every service
/// use this, each with defaults of its own (docs/operations.md: sizing).
/// </summary>
public static class CapacityLimit
{
    /// <summary>What a 503 for capacity asks the caller to wait.</summary>
    public const int RetryAfterSeconds = 1;

    public static WebApplication UseCapacityLimit(this WebApplication app, int concurrency, int queueLimit, double queueSeconds)
    {
        var section = app.Configuration.GetSection("Capacity");
        var gate = new CapacityGate(
            section.GetValue("Concurrency", concurrency),
            section.GetValue("QueueLimit", queueLimit),
            section.GetValue("QueueSeconds", queueSeconds));
        app.Lifetime.ApplicationStopped.Register(gate.Dispose);
        app.Use(async (context, next) =>
        {
            if (Unlimited(context.Request.Path))
            {
                await next(context);
                return;
            }
            await gate.Run(context, next);
        });
        return app;
    }

    private static bool Unlimited(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");

    /// <summary>The answer to a request refused for capacity: 503, Retry-After, a ProblemDetails with code capacity.</summary>
    internal static ValueTask Busy(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "服务繁忙 / Service busy",
                Detail = $"当前请求过多，未做任何处理，请 {RetryAfterSeconds} 秒后重试 / Too many requests at once: nothing was done; retry after {RetryAfterSeconds} s.",
                Extensions = { ["code"] = "capacity" },
            },
        });
    }
}

/// <summary>
/// One limit of <see cref="CapacityLimit"/>: at most <c>permits</c> requests pass together, up to <c>queue</c> more
/// wait (oldest first) at most <c>wait</c> each, the rest are answered 503 at once (<see cref="CapacityLimit.Busy"/>).
/// </summary>
public sealed class CapacityGate : IDisposable
{
    private readonly ConcurrencyLimiter limiter;
    private readonly TimeSpan wait;

    public CapacityGate(int permits, int queue, double waitSeconds)
    {
        limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            QueueLimit = Math.Max(0, queue),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        wait = TimeSpan.FromSeconds(Math.Max(0.1, waitSeconds));
    }

    /// <summary>Runs <paramref name="next"/> within the limit, or answers 503 (or nothing, if the caller left).</summary>
    public async Task Run(HttpContext context, RequestDelegate next)
    {
        // Free permit: no allocation, no timer.
        var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            lease = await Queue(context.RequestAborted);
        }
        using (lease)
        {
            if (lease.IsAcquired)
            {
                await next(context);
            }
            else if (!context.RequestAborted.IsCancellationRequested)
            {
                await CapacityLimit.Busy(context);
            }
        }
    }

    private async Task<RateLimitLease> Queue(CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(wait);
        try
        {
            return await limiter.AcquireAsync(1, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return Refused.Lease;
        }
    }

    public void Dispose() => limiter.Dispose();

    /// <summary>The lease of a request that waited too long (or whose caller left).</summary>
    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Lease = new();
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
