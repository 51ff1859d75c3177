using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.AppHost.Tests;

/// <summary>
/// Keeps the last lines each resource wrote (Aspire.Hosting.Testing forwards them to the host's loggers under
/// <c>{AppHost}.Resources.{name}</c>), so that a resource that stops while starting is reported with its own words
/// instead of only "failed to start".
/// </summary>
internal sealed class ResourceLogs : ILoggerProvider
{
    private const string Marker = ".Resources.";
    private const int Kept = 40;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> lines = new();

    public ILogger CreateLogger(string categoryName)
    {
        var at = categoryName.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0
            ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
            : new Lines(lines.GetOrAdd(categoryName[(at + Marker.Length)..], _ => new()));
    }

    /// <summary>The last lines of one resource (every replica of it), oldest first.</summary>
    public string Tail(string resource) =>
        lines.TryGetValue(resource, out var kept) && !kept.IsEmpty
            ? string.Join(Environment.NewLine, kept)
            : "(it wrote nothing)";

    public void Dispose()
    {
    }

    private sealed class Lines(ConcurrentQueue<string> kept) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The services' console logs are coloured; the report is read as plain text.
            kept.Enqueue(Regex.Replace(formatter(state, exception), "\u001b\\[[0-9;]*m", ""));
            while (kept.Count > Kept && kept.TryDequeue(out _))
            {
            }
        }
    }
}
