using JiaoLianTi.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = Infrastructure.Add(builder);
var scale = Scale.From(builder.Configuration);
// The share of traces every process keeps (ServiceDefaults' Telemetry:TraceSampleRatio, docs/operations.md, Traces):
// locally all of them unless JLT_TRACE_RATIO says otherwise; a tenth in a province's cluster, where a command's 30-odd
// spans are carried by the collector and stored by the province's back end for every command of millions of users.
var traceRatio = TraceSampling.Ratio(builder.Configuration, builder.ExecutionContext);
// Outside Development every token comes from the province's OIDC issuer (services/Platform/Identity).
var authority = builder.ExecutionContext.IsPublishMode ? builder.AddParameter("auth-authority") : null;

string[] services = ["alliances", "activities", "parentschool", "campussafety", "wellbeing", "subscriptions"];
// The console's queue too: it keeps the parents' messages (家长端 消息, docs/parent.md).
// Subscriptions' relay consumes from subscriptions-relay (single active consumer, docs/subscriptions.md).
var awaitQueues = string.Join(',', [.. services.Select(s => s == "subscriptions" ? "subscriptions-relay" : s), "console"]);
// Quorum queues need a RabbitMQ cluster (a published deployment has one); one local node keeps classic queues.
var queueType = builder.Configuration["Messaging:QueueType"] ?? (builder.ExecutionContext.IsPublishMode ? "quorum" : "classic");

IResourceBuilder<ProjectResource> Service<TProject>(string name) where TProject : IProjectMetadata, new() =>
    builder.AddProject<TProject>(name, launchProfileName: "http")
        .WithReference(infrastructure.Database($"{name}db")).WaitFor(infrastructure.Database($"{name}db"))
        .WithReference(infrastructure.Broker).WaitFor(infrastructure.Broker)
        // Publishers hold their first message until every consumer's queue exists (docs/design.md 6).
        .WithEnvironment("Messaging__AwaitQueues", awaitQueues)
        .WithEnvironment("Messaging__QueueType", queueType)
        .WithTraceSampling(traceRatio)
        .WithScale(scale, name, builder.ExecutionContext, authority);

var alliances = Service<Projects.Alliances>("alliances");
var activities = Service<Projects.Activities>("activities");
var parentSchool = Service<Projects.ParentSchool>("parentschool");
var campusSafety = Service<Projects.CampusSafety>("campussafety");
var wellbeing = Service<Projects.Wellbeing>("wellbeing");
// 订阅 Subscriptions: makes each departmental subscriber's queue and broker user through the broker's management API
// (docs/subscriptions.md); where it is: Broker:Management (run.sh: the local node's), its admin: the broker's user.
var subscriptions = Service<Projects.Subscriptions>("subscriptions")
    // Replay reads each service's feed of integration events (/internal/integration-events) by service discovery.
    .WithReference(alliances).WithReference(activities).WithReference(parentSchool).WithReference(campusSafety).WithReference(wellbeing);
if (builder.ExecutionContext.IsPublishMode)
{
    // The RabbitMQ Cluster Operator's service (deploy/k8s/infra/rabbitmq.yaml) serves management on 15672.
    subscriptions.WithEnvironment("Broker__Management",
        builder.AddParameter("broker-management", "http://jiaolianti-rabbitmq:15672", publishValueAsDefault: true));
    // Replays read the feeds with an EventRelay token of the client-credentials grant at Auth:Authority; the client's
    // secret lives in the Secret jiaolianti-connections (deploy/connections.sh), never in a ConfigMap.
    subscriptions.WithEnvironment("Replay__ClientId",
            builder.AddParameter("replay-client-id", "jiaolianti-subscriptions", publishValueAsDefault: true))
        .WithEnvironment("Replay__ClientSecret", builder.AddParameter("replay-client-secret", secret: true));
}
else
{
    subscriptions.WithEnvironment("Broker__Management", builder.Configuration["Broker:Management"] ?? "http://127.0.0.1:15672");
}

// The gateway starts beside the services, not after them (as in a cluster, where nothing orders them): it needs only
// their addresses, and answers 502 for a service not up yet. Waiting for them cost the cold start the AppHost's health
// polling, which backs off to 5 s between checks, and then the gateway's own start (issue 19); ./run.sh says the
// system is ready when the gateway and every service answer /health.
var gateway = builder.AddProject<Projects.Gateway>("gateway", launchProfileName: "http")
    .WithReference(alliances)
    .WithReference(activities)
    .WithReference(parentSchool)
    .WithReference(campusSafety)
    .WithReference(wellbeing)
    .WithReference(subscriptions)
    .WithExternalHttpEndpoints()
    // Each gateway replica keeps its own token buckets: it enforces its share of the per-client limit (docs/deploy.md).
    .WithEnvironment("RateLimit__GatewayReplicas", scale.ReplicasOf("gateway").ToString(System.Globalization.CultureInfo.InvariantCulture))
    .WithTraceSampling(traceRatio)
    .WithScale(scale, "gateway", builder.ExecutionContext, authority);

// 工作台 Console: reached through the gateway at /console; it calls the API through the gateway (docs/console.md);
// its sessions and Data Protection keys are in consoledb, shared by its replicas.
var console = builder.AddProject<Projects.Console>("console", launchProfileName: "http")
    .WithReference(infrastructure.Database("consoledb")).WaitFor(infrastructure.Database("consoledb"))
    .WithReference(infrastructure.Broker).WaitFor(infrastructure.Broker)
    .WithEnvironment("Messaging__QueueType", queueType)
    .WithReference(gateway)
    .WithTraceSampling(traceRatio)
    .WithScale(scale, "console", builder.ExecutionContext, authority);
gateway.WithReference(console);

builder.Build().Run();
