using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace JiaoLianTi.Deploy;

/// <summary>
/// The Kubernetes description of the system, from the AppHost's manifest (the AppHost is the one place that says
/// which services run, with which settings and how many replicas). One file per service and gateway: its settings
/// (ConfigMap, no secret in it), Deployment (replicas, readiness <c>/health</c>, liveness <c>/alive</c>, resources,
/// a graceful stop longer than MassTransit's and the Marten daemon's hand-over), Service, PodDisruptionBudget and
/// HorizontalPodAutoscaler. Connection strings come only from the Secret <c>jiaolianti-connections</c>
/// (deploy/connections.sh writes it from the database and broker operators' secrets); other parameters from the
/// ConfigMap <c>jiaolianti-parameters</c>. The databases and the broker are declared beside it (deploy/k8s/infra).
/// </summary>
public static partial class KubernetesFiles
{
    public const string ConnectionsSecret = "jiaolianti-connections";
    public const string ParametersConfigMap = "jiaolianti-parameters";
    public const int HttpPort = 8080;

    /// <summary>
    /// Seconds a pod has to stop: 5 s for the endpoints to drop it (preStop), then the host's own 30 s shutdown,
    /// which covers MassTransit's StopTimeout (15 s: in-flight messages finish, the rest go back to the queue) and
    /// the daemon's drain (5 s: shards save their progress and free their advisory locks); 10 s to spare.
    /// </summary>
    public const int TerminationGraceSeconds = 45;
    public const int ShutdownTimeoutSeconds = 30;
    public const int PreStopSeconds = 5;

    private static readonly Dictionary<string, (string CpuRequest, string MemoryRequest, string MemoryLimit)> Sizes = new()
    {
        ["gateway"] = ("100m", "128Mi", "256Mi"),
    };
    private static readonly (string CpuRequest, string MemoryRequest, string MemoryLimit) ServiceSize = ("100m", "192Mi", "512Mi");

    /// <summary>File name to YAML text, in a stable order.</summary>
    public static SortedDictionary<string, string> FromManifest(string manifestJson)
    {
        using var document = JsonDocument.Parse(manifestJson);
        var resources = document.RootElement.GetProperty("resources");
        var parameters = resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0")
            .ToDictionary(r => r.Name, r => r.Value);
        var projects = resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "project.v0")
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        var unknown = resources.EnumerateObject().Select(r => r.Value.GetProperty("type").GetString())
            .Where(t => t is not ("parameter.v0" or "project.v0")).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The manifest has resources of types {string.Join(", ", unknown)}: only projects and parameters are published (databases and the broker are deploy/k8s/infra).");
        }

        // Who calls whom over HTTP, from the manifest's references ({target.bindings.http.url}): the gateway calls every
        // service; the Subscriptions service reads the five services' replay feeds. Each NetworkPolicy admits exactly these.
        var callers = projects.ToDictionary(p => p.Name, p => projects
            .Where(caller => caller.Name != p.Name && caller.Value.GetProperty("env").EnumerateObject()
                .Any(v => v.Value.GetString() == $"{{{p.Name}.bindings.http.url}}"))
            .Select(caller => caller.Name)
            .Order(StringComparer.Ordinal)
            .ToList());
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            files[$"{project.Name}.yaml"] = Project(project.Name, project.Value, parameters, callers[project.Name]);
        }
        files["parameters.yaml"] = ParametersFile(parameters);
        files["kustomization.yaml"] = Kustomization(projects.Select(p => p.Name).ToList());
        return files;
    }

    private static string Project(
        string name, JsonElement project, IReadOnlyDictionary<string, JsonElement> parameters, IReadOnlyList<string> callers)
    {
        var replicas = project.TryGetProperty("replicas", out var r) ? r.GetInt32() : 1;
        var readiness = project.GetProperty("probes").GetProperty("readiness").GetString()!;
        var liveness = project.GetProperty("probes").GetProperty("liveness").GetString()!;
        var external = project.GetProperty("bindings").GetProperty("http").TryGetProperty("external", out var e) && e.GetBoolean();
        var size = Sizes.GetValueOrDefault(name, ServiceSize);

        var literal = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_shutdownTimeoutSeconds"] = ShutdownTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        };
        var fromSecret = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fromParameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in project.GetProperty("env").EnumerateObject())
        {
            var value = variable.Value.GetString() ?? "";
            var reference = Reference().Match(value);
            if (!reference.Success)
            {
                if (value.Contains('{'))
                {
                    throw new InvalidOperationException($"{name}: {variable.Name} = '{value}' mixes text and references; not supported.");
                }
                literal[variable.Name] = value;
                continue;
            }
            var (target, path) = (reference.Groups["resource"].Value, reference.Groups["path"].Value);
            switch (path)
            {
                case "connectionString" or "value" when parameters.TryGetValue(target, out var parameter):
                    if (IsSecret(parameter))
                    {
                        fromSecret[variable.Name] = target;
                    }
                    else
                    {
                        fromParameters[variable.Name] = target;
                    }
                    break;
                case "bindings.http.targetPort":
                    literal[variable.Name] = HttpPort.ToString(CultureInfo.InvariantCulture);
                    break;
                case "bindings.http.url":
                    literal[variable.Name] = $"http://{target}:{HttpPort}";
                    break;
                case "bindings.https.url" or "bindings.https.targetPort":
                    // Inside the cluster services speak HTTP; TLS ends at the province's ingress.
                    break;
                default:
                    throw new InvalidOperationException($"{name}: {variable.Name} = '{value}' is a reference this generator does not know.");
            }
        }

        var yaml = new StringBuilder();
        yaml.Append(Header(name));
        yaml.Append($"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {name}-env
              labels: {Labels(name)}
            data:

            """);
        foreach (var (key, value) in literal)
        {
            yaml.Append($"  {key}: {Quote(value)}\n");
        }
        yaml.Append($"""
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {name}
              labels: {Labels(name)}
            spec:
              replicas: {replicas}
              revisionHistoryLimit: 5
              selector:
                matchLabels:
                  app.kubernetes.io/name: {name}
              strategy:
                type: RollingUpdate
                rollingUpdate:
                  maxSurge: 1
                  maxUnavailable: 0
              template:
                metadata:
                  labels: {Labels(name)}
                spec:
                  terminationGracePeriodSeconds: {TerminationGraceSeconds}
                  securityContext:
                    runAsNonRoot: true
                  containers:
                    - name: {name}
                      image: jiaolianti/{name}:latest
                      ports:
                        - name: http
                          containerPort: {HttpPort}
                      envFrom:
                        - configMapRef:
                            name: {name}-env

            """);
        if (fromSecret.Count + fromParameters.Count > 0)
        {
            yaml.Append("          env:\n");
            foreach (var (key, secretKey) in fromSecret)
            {
                yaml.Append($"""
                                - name: {key}
                                  valueFrom:
                                    secretKeyRef:
                                      name: {ConnectionsSecret}
                                      key: {secretKey}

                    """);
            }
            foreach (var (key, parameterKey) in fromParameters)
            {
                yaml.Append($"""
                                - name: {key}
                                  valueFrom:
                                    configMapKeyRef:
                                      name: {ParametersConfigMap}
                                      key: {parameterKey}

                    """);
            }
        }
        yaml.Append($"""
                      startupProbe:
                        httpGet:
                          path: {liveness}
                          port: http
                        periodSeconds: 2
                        failureThreshold: 60
                      readinessProbe:
                        httpGet:
                          path: {readiness}
                          port: http
                        periodSeconds: 5
                        timeoutSeconds: 3
                        failureThreshold: 3
                      livenessProbe:
                        httpGet:
                          path: {liveness}
                          port: http
                        periodSeconds: 10
                        timeoutSeconds: 3
                        failureThreshold: 3
                      lifecycle:
                        preStop:
                          sleep:
                            seconds: {PreStopSeconds}
                      resources:
                        requests:
                          cpu: {size.CpuRequest}
                          memory: {size.MemoryRequest}
                        limits:
                          memory: {size.MemoryLimit}
                      securityContext:
                        allowPrivilegeEscalation: false
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              labels: {Labels(name)}
            spec:
              type: ClusterIP
              selector:
                app.kubernetes.io/name: {name}
              ports:
                - name: http
                  port: {HttpPort}
                  targetPort: http
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: {name}
              labels: {Labels(name)}
            spec:
              maxUnavailable: 1
              selector:
                matchLabels:
                  app.kubernetes.io/name: {name}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: {name}
              labels: {Labels(name)}
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: {name}
              minReplicas: {replicas}
              maxReplicas: {Math.Max(4, replicas * 4)}
              metrics:
                - type: Resource
                  resource:
                    name: cpu
                    target:
                      type: Utilization
                      averageUtilization: 70

            """);
        if (external)
        {
            yaml.Insert(0, $"# {name} is the public door: put the province's ingress (TLS) in front of Service {name}:{HttpPort}.\n");
        }
        else
        {
            // Behind the gateway (and whichever service the AppHost lets call it): no other pod, nor anything outside the
            // cluster, reaches it over HTTP.
            var from = string.Concat(callers.Select(caller => $$"""

                        - podSelector:
                            matchLabels:
                              app.kubernetes.io/name: {{caller}}
                """));
            yaml.Append($"""
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: {name}
                  labels: {Labels(name)}
                spec:
                  podSelector:
                    matchLabels:
                      app.kubernetes.io/name: {name}
                  policyTypes: [Ingress]
                  ingress:
                    - from:{from}
                      ports:
                        - port: http

                """);
        }
        return yaml.ToString();
    }

    private static string ParametersFile(IReadOnlyDictionary<string, JsonElement> parameters)
    {
        var yaml = new StringBuilder(Header(ParametersConfigMap));
        yaml.Append($"""
            # Settings that are not secret, set by the province (an overlay's configMapGenerator, or kubectl edit).
            # Secret ones (connection strings) are keys of the Secret {ConnectionsSecret}: deploy/connections.sh.
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {ParametersConfigMap}
              labels:
                app.kubernetes.io/part-of: jiaolianti
            data:

            """);
        foreach (var (name, _) in parameters.Where(p => !IsSecret(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            yaml.Append($"  {name}: \"\"\n");
        }
        return yaml.ToString();
    }

    private static string Kustomization(IReadOnlyList<string> projects)
    {
        var yaml = new StringBuilder(Header("kustomization"));
        yaml.Append("""
            # kubectl apply -k deploy/k8s (after deploy/k8s/infra and deploy/connections.sh: docs/deploy.md)
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: jiaolianti
            resources:
              - parameters.yaml

            """);
        foreach (var project in projects)
        {
            yaml.Append($"  - {project}.yaml\n");
        }
        yaml.Append("images:\n");
        foreach (var project in projects)
        {
            yaml.Append($"  - name: jiaolianti/{project}\n    newTag: latest\n");
        }
        return yaml.ToString();
    }

    private static bool IsSecret(JsonElement parameter) =>
        parameter.TryGetProperty("inputs", out var inputs)
        && inputs.TryGetProperty("value", out var value)
        && value.TryGetProperty("secret", out var secret) && secret.GetBoolean();

    private static string Header(string what) =>
        $"# Generated by deploy/generate.sh from the AppHost ({what}); do not edit: change AppHost/ or deploy/Generator/.\n";

    private static string Labels(string name) => $"{{app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: jiaolianti}}";

    /// <summary>A JSON string is a YAML double-quoted scalar.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [GeneratedRegex(@"^\{(?<resource>[a-z0-9-]+)\.(?<path>[A-Za-z.]+)\}$")]
    private static partial Regex Reference();
}
