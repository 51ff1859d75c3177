using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using JiaoLianTi.Platform.Observability;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// deploy/monitoring/ as a province installs it, checked with the real tools: Prometheus's promtool checks the
/// configuration and the rules and fires every alert on sample series (alerts.test.yml); every query of the alerts and
/// the Grafana dashboards names a metric the services export (the instruments of <see cref="OpsMetrics"/> under the
/// names the collector's Prometheus exporter gives them); the collector's pipelines use only components it defines.
/// </summary>
public sealed partial class MonitoringFilesTests
{
    private static readonly string Monitoring = Path.Combine(RepositoryRoot(), "deploy", "monitoring");

    [Fact]
    public void Promtool_checks_the_configuration_and_the_rules()
    {
        var (code, output) = Promtool("check", "config", Path.Combine(Monitoring, "prometheus", "prometheus.yml"));
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public void Every_alert_fires_on_sample_series_in_promtool_test_rules()
    {
        var rules = File.ReadAllText(Path.Combine(Monitoring, "prometheus", "alerts.yml"));
        var tests = File.ReadAllText(Path.Combine(Monitoring, "prometheus", "alerts.test.yml"));
        var alerts = AlertName().Matches(rules).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "JltPublishingLag", "JltProjectionLag", "JltErrorQueueNotEmpty", "JltConsumerQueueGrowing", "JltHttp5xxRate",
            "JltHttpLatencyP95", "JltPeriodicCheckNotRun", "JltTokenIssuerUnreachable",
        }, alerts);
        // Each alert has a test case in which it fires (exp_alerts not empty).
        var firing = Regex.Matches(tests, @"alertname: (\w+)\s+exp_alerts:\s+- ").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(alerts.Order(), firing.Order());
        // Each alert is explained in the operations guide.
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "operations.md"));
        Assert.All(alerts, alert => Assert.Contains($"`{alert}`", guide));

        var (code, output) = Promtool("test", "rules", Path.Combine(Monitoring, "prometheus", "alerts.test.yml"));
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public void Every_query_of_the_alerts_and_dashboards_names_an_exported_metric()
    {
        var known = ExportedMetrics();
        var queries = new List<(string Where, string Expr)>();
        var rules = new YamlStream();
        rules.Load(new StringReader(File.ReadAllText(Path.Combine(Monitoring, "prometheus", "alerts.yml"))));
        foreach (var group in (YamlSequenceNode)((YamlMappingNode)rules.Documents[0].RootNode)["groups"])
        {
            foreach (var rule in (YamlSequenceNode)((YamlMappingNode)group)["rules"])
            {
                var r = (YamlMappingNode)rule;
                queries.Add(($"alert {r["alert"]}", r["expr"].ToString()));
            }
        }
        var dashboards = Directory.GetFiles(Path.Combine(Monitoring, "grafana"), "*.json");
        Assert.Equal(
            new[] { "activities", "alliances", "campussafety", "overview", "parentschool", "wellbeing" },
            dashboards.Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var file in dashboards)
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(file));
            Assert.StartsWith("jlt-", dashboard.RootElement.GetProperty("uid").GetString());
            var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
            Assert.NotEmpty(panels);
            foreach (var panel in panels)
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    queries.Add(($"{Path.GetFileName(file)}: {panel.GetProperty("title").GetString()}", target.GetProperty("expr").GetString()!));
                }
            }
        }
        foreach (var (where, expr) in queries)
        {
            var metrics = MetricsOf(expr).ToList();
            Assert.True(metrics.Count > 0, $"{where}: no metric in {expr}");
            Assert.All(metrics, metric => Assert.True(known.Contains(metric), $"{where}: {metric} is not exported"));
        }
        // Every instrument of ours is on some dashboard.
        var shown = queries.SelectMany(q => MetricsOf(q.Expr)).ToHashSet();
        Assert.All(OpsMetrics.Catalogue.Where(i => i.Name != "jlt.checks.next_run"), i =>
            Assert.True(PrometheusNames(i).Any(shown.Contains), $"{i.Name} is on no dashboard or alert"));
    }

    [Fact]
    public void The_collector_takes_otlp_in_and_sends_prometheus_and_otlp_out()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Monitoring, "otel-collector", "config.yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var pipelines = (YamlMappingNode)((YamlMappingNode)root["service"])["pipelines"];
        foreach (var (name, pipeline) in pipelines.Children)
        {
            foreach (var kind in new[] { "receivers", "processors", "exporters" })
            {
                var defined = ((YamlMappingNode)root[kind]).Children.Keys.Select(k => k.ToString()).ToHashSet();
                foreach (var used in (YamlSequenceNode)((YamlMappingNode)pipeline)[kind])
                {
                    Assert.True(defined.Contains(used.ToString()), $"pipeline {name} uses {kind} {used}, which is not defined");
                }
            }
        }
        Assert.Contains("otlp", ((YamlSequenceNode)((YamlMappingNode)pipelines["traces"])["receivers"]).Select(n => n.ToString()));
        Assert.Contains("prometheus", ((YamlSequenceNode)((YamlMappingNode)pipelines["metrics"])["exporters"]).Select(n => n.ToString()));
        Assert.Contains("otlp/backend", ((YamlSequenceNode)((YamlMappingNode)pipelines["traces"])["exporters"]).Select(n => n.ToString()));
    }

    /// <summary>What the collector's Prometheus exporter names each instrument (unit suffix, _total for counters).</summary>
    private static IEnumerable<string> PrometheusNames((string Name, string Unit, string Kind) instrument)
    {
        var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
        return instrument.Kind switch
        {
            "counter" => [name + "_total"],
            "histogram" => [name + "_bucket", name + "_sum", name + "_count"],
            _ => [name],
        };
    }

    private static HashSet<string> ExportedMetrics()
    {
        var known = OpsMetrics.Catalogue.SelectMany(PrometheusNames).ToHashSet();
        // ASP.NET Core's http.server.request.duration, and the collector's own probe of the token issuer.
        known.UnionWith(PrometheusNames(("http.server.request.duration", "s", "histogram")));
        known.Add("httpcheck_status");
        return known;
    }

    private static (int Code, string Output) Promtool(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("promtool (Debian's prometheus package) is not installed: test.sh installs it");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JiaoLianTi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("JiaoLianTi.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"alert: (\w+)")]
    private static partial Regex AlertName();

    /// <summary>The metric names of a query: label matchers and by (…) lists taken out, then every identifier of ours.</summary>
    private static IEnumerable<string> MetricsOf(string expr) =>
        OurIdentifier().Matches(LabelLists().Replace(expr, " ")).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{[^}]*\}|\b(by|without)\s*\([^)]*\)")]
    private static partial Regex LabelLists();

    [GeneratedRegex(@"\b((?:jlt|messaging|http|httpcheck)_[a-z0-9_]*)")]
    private static partial Regex OurIdentifier();
}
