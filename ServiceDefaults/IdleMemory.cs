using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Gives memory back to the machine when the process goes idle (issue 19: a province runs many small pods; the run
/// command's summary measures them idle). A burst (the demo seed, a registration storm) grows the GC heap, and an idle
/// process never collects again, so it keeps the burst's high-water mark. Every <c>Memory:IdleCheckSeconds</c>
/// (default 15; 0 turns it off) this looks at how much was allocated since the last look: under
/// <c>Memory:IdleAllocationBytes</c> (default 16 MB) the process is idle, and the first idle look after a busy period
/// runs one aggressive, compacting collection, which returns the free regions to the OS, and then asks glibc to give
/// back the free pages of its malloc heaps (<c>malloc_trim</c>: the runtime's and the JIT's native allocations of the
/// burst; glibc returns only the top of a heap by itself). Busy again, nothing is done: the GC's own settings for small
/// containers hold then (Directory.Build.props).
/// </summary>
public sealed class IdleMemoryTrim(IConfiguration configuration, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Memory:IdleCheckSeconds", 15);
        var idleBytes = configuration.GetValue("Memory:IdleAllocationBytes", 16L * 1024 * 1024);
        if (seconds <= 0)
        {
            return;
        }
        var last = GC.GetTotalAllocatedBytes();
        var trimmed = false;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var allocated = GC.GetTotalAllocatedBytes();
                var idle = allocated - last < idleBytes;
                if (idle && !trimmed)
                {
                    var before = Environment.WorkingSet;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    TrimNativeHeap();
                    logger.LogDebug("Idle: memory trimmed from {Before} to {After} bytes", before, Environment.WorkingSet);
                }
                trimmed = idle;
                last = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static bool nativeTrim = OperatingSystem.IsLinux();

    private static void TrimNativeHeap()
    {
        if (!nativeTrim)
        {
            return;
        }
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            nativeTrim = false; // not glibc (musl, e.g. Alpine images): its allocator returns memory by itself
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
