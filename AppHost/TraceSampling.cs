using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace JiaoLianTi.AppHost;

/// <summary>
/// The share of traces the processes keep: <c>Telemetry:TraceSampleRatio</c> of the AppHost (the run command passes
/// <c>JLT_TRACE_RATIO</c>), handed to every project as the same setting; when published and not set, 0.1.
/// </summary>
public static class TraceSampling
{
    public const string Key = "Telemetry:TraceSampleRatio";
    public const string PublishedDefault = "0.1";

    /// <summary>The ratio to pass on, or null: locally, unset means the processes' own default (every trace).</summary>
    public static string? Ratio(IConfiguration configuration, DistributedApplicationExecutionContext context)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return context.IsPublishMode ? PublishedDefault : null;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio.ToString(CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{Key} must be a share from 0 to 1 (e.g. 0.1), not '{text}'.");
    }

    public static IResourceBuilder<ProjectResource> WithTraceSampling(this IResourceBuilder<ProjectResource> project, string? ratio) =>
        ratio is null ? project : project.WithEnvironment("Telemetry__TraceSampleRatio", ratio);
}
