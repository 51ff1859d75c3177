using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using JiaoLianTi.Deploy;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace JiaoLianTi.AppHost.Tests;

/// <summary>
/// deploy/: the committed Kubernetes files are what deploy/generate.sh writes from the AppHost as it is now, and say
/// what a province needs (six Deployments with replicas, probes, resources, a graceful stop, a disruption budget and
/// an autoscaler each; connection strings only from a Secret).
/// </summary>
public sealed class KubernetesDeployTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Deploy = Path.Combine(Root, "deploy");
    private static readonly string[] Services = ["activities", "alliances", "campussafety", "parentschool", "subscriptions", "wellbeing"];
    /// <summary>The five services and subscriptions (issue 13), the gateway, and the console (issue 14) behind it.</summary>
    private static readonly string[] Projects = ["activities", "alliances", "campussafety", "console", "gateway", "parentschool", "subscriptions", "wellbeing"];

    [Fact]
    public void The_committed_files_are_what_the_generator_writes_from_the_committed_manifest()
    {
        var expected = KubernetesFiles.FromManifest(File.ReadAllText(Path.Combine(Deploy, "aspire-manifest.json")));
        var committed = Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(expected.Keys.Order(), committed);
        foreach (var (name, text) in expected)
        {
            Assert.True(text == File.ReadAllText(Path.Combine(Deploy, "k8s", name)), $"deploy/k8s/{name} is stale: run deploy/generate.sh");
        }
    }

    [Fact]
    public async Task The_committed_manifest_is_what_the_AppHost_publishes_now()
    {
        var output = Path.Combine(Path.GetTempPath(), $"jlt-manifest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var manifest = Path.Combine(output, "aspire-manifest.json");
            // The same command as deploy/generate.sh, with the replicas the committed files were made with.
            var replicas = Committed()["alliances"]!["replicas"]!.GetValue<int>();
            var start = new ProcessStartInfo("dotnet",
            [
                "run", "--no-build", "--project", Path.Combine(Root, "AppHost", "AppHost.csproj"), "--no-launch-profile",
#if DEBUG
                "-c", "Debug",
#else
                "-c", "Release",
#endif
                "--", "--operation", "publish", "--publisher", "manifest", "--output-path", manifest, $"--Scale:Replicas={replicas}",
            ])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
            Assert.True(process.ExitCode == 0, await stdout + await stderr);

            var published = WithoutPaths(JsonNode.Parse(await File.ReadAllTextAsync(manifest))!["resources"]!);
            Assert.True(JsonNode.DeepEquals(WithoutPaths(Committed()), published),
                "deploy/aspire-manifest.json differs from what the AppHost publishes: run deploy/generate.sh");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void A_deployment_per_service_gateway_and_console_with_replicas_probes_resources_a_graceful_stop_a_budget_and_an_autoscaler()
    {
        var documents = Documents();
        var manifest = Committed();
        var deployments = documents.Where(d => Kind(d) == "Deployment").ToList();
        Assert.Equal(Projects, deployments.Select(Name).Order());

        foreach (var deployment in deployments)
        {
            var name = Name(deployment);
            Assert.Equal(manifest[name]!["replicas"]!.GetValue<int>(), int.Parse(Scalar(deployment, "spec", "replicas")));
            Assert.Equal("0", Scalar(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"));
            var pod = Map(deployment, "spec", "template", "spec");
            Assert.True(int.Parse(Scalar(pod, "terminationGracePeriodSeconds")) >
                KubernetesFiles.PreStopSeconds + 15 /* MassTransit StopTimeout */ + 5 /* daemon drain */);
            var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
            Assert.Equal("/health", Scalar(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal("/alive", Scalar(container, "livenessProbe", "httpGet", "path"));
            Assert.NotEmpty(Scalar(container, "resources", "requests", "cpu"));
            Assert.NotEmpty(Scalar(container, "resources", "requests", "memory"));
            Assert.NotEmpty(Scalar(container, "resources", "limits", "memory"));

            // Connection strings: from the Secret, never a literal, never a ConfigMap.
            var env = container.Children.TryGetValue("env", out var e) ? ((YamlSequenceNode)e).Children.Cast<YamlMappingNode>().ToList() : [];
            var connections = env.Where(v => Scalar(v, "name").StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList();
            // A service: its database and the broker; the console: its database (sessions, parents' messages) and the
            // broker (it consumes the events for 家长端 消息); the gateway: none.
            Assert.Equal(Services.Contains(name) || name == "console" ? 2 : 0, connections.Count);
            Assert.All(connections, v => Assert.Equal(KubernetesFiles.ConnectionsSecret, Scalar(v, "valueFrom", "secretKeyRef", "name")));

            Assert.Single(documents, d => Kind(d) == "PodDisruptionBudget" && Name(d) == name);
            var autoscaler = Assert.Single(documents, d => Kind(d) == "HorizontalPodAutoscaler" && Name(d) == name);
            Assert.Equal(Scalar(deployment, "spec", "replicas"), Scalar(autoscaler, "spec", "minReplicas"));
            Assert.Single(documents, d => Kind(d) == "Service" && Name(d) == name);
        }
    }

    [Fact]
    public void Every_service_and_the_console_admit_only_the_gateways_pods_and_the_five_services_also_the_subscriptions_feed_reader()
    {
        var documents = Documents();
        string[] domain = ["alliances", "activities", "parentschool", "campussafety", "wellbeing"];
        foreach (var name in Projects.Where(p => p != "gateway"))
        {
            var policy = Assert.Single(documents, d => Kind(d) == "NetworkPolicy" && Name(d) == name);
            Assert.Equal(name, Scalar(policy, "spec", "podSelector", "matchLabels", "app.kubernetes.io/name"));
            var rule = (YamlMappingNode)((YamlSequenceNode)Map(policy, "spec")["ingress"]).Children.Single();
            var from = ((YamlSequenceNode)rule["from"]).Children
                .Select(f => Scalar((YamlMappingNode)f, "podSelector", "matchLabels", "app.kubernetes.io/name"))
                .ToList();
            // The Subscriptions service replays from the five services' feeds (GET /internal/integration-events).
            Assert.Equal(domain.Contains(name) ? ["gateway", "subscriptions"] : ["gateway"], from);
        }
        Assert.DoesNotContain(documents, d => Kind(d) == "NetworkPolicy" && Name(d) == "gateway");
    }

    [Fact]
    public void No_secret_in_a_config_map()
    {
        var configMaps = Documents().Where(d => Kind(d) == "ConfigMap").ToList();
        Assert.NotEmpty(configMaps);
        foreach (var configMap in configMaps)
        {
            var data = (YamlMappingNode)configMap["data"];
            foreach (var (key, value) in data.Children.Select(c => (((YamlScalarNode)c.Key).Value!, ((YamlScalarNode)c.Value).Value ?? "")))
            {
                Assert.DoesNotContain("ConnectionStrings", key, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("password", value, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("SigningKey", key, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotMatch(@"^amqps?://[^/]*:[^/]*@", value);
            }
        }
        // The databases and the broker are declared beside it, on persistent storage, never as pods of this base.
        var infra = Documents(Path.Combine(Deploy, "k8s", "infra"));
        // One PostgreSQL cluster per service (subscriptions' too), and the console's (sessions, Data Protection keys).
        Assert.Equal(7, infra.Count(d => Kind(d) == "Cluster" && Scalar(d, "spec", "instances") == "3" && Scalar(d, "spec", "storage", "size") != ""));
        Assert.Single(infra, d => Kind(d) == "RabbitmqCluster" && Scalar(d, "spec", "replicas") == "3" && Scalar(d, "spec", "persistence", "storage") != "");
        Assert.DoesNotContain(Documents(), d => Kind(d) is "StatefulSet" or "Secret");
    }

    private static JsonNode Committed() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Deploy, "aspire-manifest.json")))!["resources"]!;

    /// <summary>Project paths are relative to where the manifest is written; the rest must be equal.</summary>
    private static JsonNode WithoutPaths(JsonNode resources)
    {
        var copy = resources.DeepClone();
        foreach (var (_, resource) in copy.AsObject())
        {
            resource!.AsObject().Remove("path");
        }
        return copy;
    }

    private static List<YamlMappingNode> Documents(string? folder = null)
    {
        var documents = new List<YamlMappingNode>();
        foreach (var file in Directory.GetFiles(folder ?? Path.Combine(Deploy, "k8s"), "*.yaml"))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            documents.AddRange(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>());
        }
        return documents;
    }

    private static string Kind(YamlMappingNode document) =>
        document.Children.TryGetValue("kind", out var kind) ? ((YamlScalarNode)kind).Value ?? "" : "";

    private static string Name(YamlMappingNode document) => Scalar(document, "metadata", "name");

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => (YamlMappingNode)current[key]);

    private static string Scalar(YamlMappingNode node, params string[] path) =>
        ((YamlScalarNode)Map(node, path[..^1])[path[^1]]).Value ?? "";

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "JiaoLianTi.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("JiaoLianTi.sln not found above the test's folder");
    }
}
