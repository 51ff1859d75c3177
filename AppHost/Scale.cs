using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace JiaoLianTi.AppHost;

/// <summary>
/// How many replicas of each service and of the gateway run: <c>Scale:Replicas</c> for all (default 1), and
/// <c>Scale:{name}</c> (e.g. <c>Scale:activities=3</c>) for one. The run command passes <c>JLT_REPLICAS</c> as
/// <c>Scale:Replicas</c>. The same counts go into the published deployment (deploy/).
/// </summary>
public sealed class Scale(int all, IReadOnlyDictionary<string, int> perService)
{
    public static Scale From(IConfiguration configuration)
    {
        var all = Count(configuration["Scale:Replicas"], "Scale:Replicas") ?? 1;
        var perService = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in configuration.GetSection("Scale").GetChildren())
        {
            if (!string.Equals(child.Key, "Replicas", StringComparison.OrdinalIgnoreCase)
                && Count(child.Value, $"Scale:{child.Key}") is { } count)
            {
                perService[child.Key] = count;
            }
        }
        return new Scale(all, perService);
    }

    public int ReplicasOf(string name) => perService.GetValueOrDefault(name, all);

    private static int? Count(string? text, string key)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return int.TryParse(text, out var count) && count is >= 1 and <= 64
            ? count
            : throw new InvalidOperationException($"{key} must be a whole number from 1 to 64, not '{text}'.");
    }
}

public static class ScaleExtensions
{
    public const string ReadinessPath = "/health";
    public const string LivenessPath = "/alive";
    public const string MetricExportMilliseconds = "10000";

    /// <summary>
    /// Replicas from <see cref="Scale"/> and the health check the orchestrator waits on (<c>/health</c>: database and
    /// broker answer). When publishing, the project's manifest entry also carries what a deployment needs and the
    /// manifest format has no field for: <c>replicas</c> and the probes (readiness <c>/health</c>, liveness
    /// <c>/alive</c>); deploy/generate.sh turns it into Kubernetes files.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithScale(
        this IResourceBuilder<ProjectResource> project, Scale scale, string name, DistributedApplicationExecutionContext context,
        IResourceBuilder<ParameterResource>? authority)
    {
        var replicas = scale.ReplicasOf(name);
        project.WithReplicas(replicas);
        if (!context.IsPublishMode)
        {
            if (replicas == 1)
            {
                // One process: it listens on its own port, and callers (the gateway, a browser) reach it with no hop
                // through DCP's proxy, which a province's cluster does not have either. The proxy cost 125 µs of CPU
                // and two extra connections per request through the gateway (benchmarks/system.sh, issue 19); with
                // two or more replicas it stays, since it is what spreads the requests over them.
                project.WithEndpoint("http", endpoint => endpoint.IsProxied = false, createIfNotExists: false);
            }
            project.LaunchedDirectly();
            // The local dashboard's metrics every 10 s rather than Aspire's 1 s: each export allocates, and a process
            // exporting every second never looks idle long enough to give its heap back (issue 19: idle memory).
            return project.WithHttpHealthCheck(ReadinessPath)
                .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", MetricExportMilliseconds);
        }
        if (authority is not null)
        {
            project.WithEnvironment("Auth__Authority", authority);
        }
        return project.WithManifestPublishingCallback(async manifest =>
        {
            var resource = project.Resource;
            var writer = manifest.Writer;
            writer.WriteString("type", "project.v0");
            writer.WriteString("path", manifest.GetManifestRelativePath(resource.GetProjectMetadata().ProjectPath));
            await manifest.WriteEnvironmentVariablesAsync(resource);
            manifest.WriteBindings(resource);
            writer.WriteNumber("replicas", replicas);
            writer.WriteStartObject("probes");
            writer.WriteString("readiness", ReadinessPath);
            writer.WriteString("liveness", LivenessPath);
            writer.WriteEndObject();
        });
    }

    /// <summary>The configuration the AppHost was built in: the services were built in it too (run.sh, the tests).</summary>
    private static readonly string BuildConfiguration =
        typeof(Scale).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>
    /// Starts the project's built program itself rather than through <c>dotnet run --no-build</c>, which is what DCP
    /// otherwise runs for a project: each such wrapper evaluated the project with MSBuild first (about 2 s of CPU apiece,
    /// seven at once on two cores: some 7 s of the cold start, issue 19) and then stayed resident beside the service
    /// (about 140 MiB RSS each) for as long as it ran. The environment, the arguments and the endpoints are the ones
    /// Aspire gives the project either way (it passes <c>--no-launch-profile</c> to <c>dotnet run</c>, so the wrapper
    /// added nothing). If the program has not been built where it is expected, the project is run as before.
    /// </summary>
    public static IResourceBuilder<ProjectResource> LaunchedDirectly(this IResourceBuilder<ProjectResource> project)
    {
        var projectPath = project.Resource.GetProjectMetadata().ProjectPath;
        var directory = Path.GetDirectoryName(projectPath)!;
        var program = Path.Combine(directory, "bin", BuildConfiguration, "net10.0", Path.GetFileNameWithoutExtension(projectPath));
        return File.Exists(program)
            ? project.WithAnnotation(new ExecutableAnnotation { Command = program, WorkingDirectory = directory }, ResourceAnnotationMutationBehavior.Replace)
            : project;
    }
}
