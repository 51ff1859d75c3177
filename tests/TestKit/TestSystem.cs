using MassTransit;
using System.Net.Http.Headers;
using JiaoLianTi.Platform.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.TestKit;

/// <summary>
/// The whole system in this process: the five services and the gateway, each on its own Kestrel port, against real
/// PostgreSQL (a database per service, fresh for this system) and real RabbitMQ (a virtual host of its own). Tests
/// talk to it only through the gateway, over HTTP, with development tokens. A service can be stopped and started
/// again (on the same port) to test what happens while it is away.
/// </summary>
public class TestSystem : IAsyncLifetime
{
    public static readonly string[] ServiceNames = ["alliances", "activities", "parentschool", "campussafety", "wellbeing"];

    private readonly List<string> serviceNames = [.. ServiceNames];
    private readonly Dictionary<string, IServiceHost> running = [];
    private readonly Dictionary<string, int> ports = [];
    private readonly Dictionary<string, Action<IServiceCollection>> overrides = [];
    private readonly Dictionary<string, int> replicas = [];
    private readonly Dictionary<string, string> settings = new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:JiaoLianTi"] = "Information",
        ["Messaging:AwaitQueues"] = string.Join(',', ServiceNames),
        // The personal-data vault's master key: a fresh one per test system (docs/design.md 17).
        ["PersonalData:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    public TestServers Servers { get; private set; } = null!;

    /// <summary>
    /// Runs the subscriptions service (订阅, docs/subscriptions.md) too: it consumes every service's events, so every
    /// publisher waits for its queue as well, and it manages subscribers' queues and users through the broker's
    /// management API (<see cref="TestServers.Management"/>).
    /// </summary>
    public TestSystem WithSubscriptions()
    {
        if (!serviceNames.Contains("subscriptions"))
        {
            serviceNames.Add("subscriptions");
            settings["Messaging:AwaitQueues"] = string.Join(',', [.. ServiceNames, Subscriptions.Relay.RelayQueue.Name]);
        }
        return this;
    }

    /// <summary>The services this system runs (the five, and subscriptions if asked for).</summary>
    public IReadOnlyList<string> Running => serviceNames;

    /// <summary>This system's name: prefix of its databases, and its RabbitMQ virtual host.</summary>
    public string Id { get; } = "jlt" + Guid.NewGuid().ToString("N")[..10];

    public Uri GatewayAddress => running["gateway"].Address;

    /// <summary>Replaces services of one service before it starts (a controlled clock, say).</summary>
    public TestSystem Configure(string service, Action<IServiceCollection> configure)
    {
        overrides[service] = configure;
        return this;
    }

    public IServiceProvider Services(string service) => running[service].Provider;

    /// <summary>
    /// Runs <paramref name="count"/> hosts of a service (before the system starts): same database, same virtual host,
    /// each on its own port, all of them behind the gateway, as replicas run in a deployment. Replica 0 is the one
    /// <see cref="Services(string)"/> and <see cref="StopServiceAsync"/> name by the service's name alone.
    /// </summary>
    public TestSystem WithReplicas(string service, int count)
    {
        replicas[service] = count;
        return this;
    }

    public int Replicas(string service) => replicas.GetValueOrDefault(service, 1);

    /// <summary>The name of a replica for <see cref="StartService"/> and <see cref="StopServiceAsync"/>: <c>activities#1</c>.</summary>
    public static string ReplicaName(string service, int replica) => replica == 0 ? service : $"{service}#{replica}";

    public IServiceProvider Services(string service, int replica) => running[ReplicaName(service, replica)].Provider;

    public Uri Address(string service, int replica) => running[ReplicaName(service, replica)].Address;

    public bool IsRunning(string service, int replica) => running.ContainsKey(ReplicaName(service, replica));

    /// <summary>Where a service listens, to reach it without the gateway.</summary>
    public Uri Address(string service) => running[service].Address;

    public string Setting(string key) => settings[key];

    /// <summary>A setting for every host of this system (before it starts).</summary>
    public TestSystem WithSetting(string key, string value)
    {
        settings[key] = value;
        return this;
    }

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        settings["ConnectionStrings:rabbitmq"] = await Servers.CreateVirtualHostAsync(Id);
        if (Servers.Management is { } management)
        {
            settings["Broker:Management"] = management.ToString();
        }
        foreach (var service in serviceNames)
        {
            settings[$"ConnectionStrings:{service}db"] = await Servers.CreateDatabaseAsync($"{Id}_{service}");
        }
        // The five first, then subscriptions, which reaches their feeds (replay) at the addresses the five got.
        foreach (var group in new[] { ServiceNames, serviceNames.Except(ServiceNames).ToArray() })
        {
            foreach (var service in group)
            {
                for (var replica = 0; replica < Replicas(service); replica++)
                {
                    StartService(ReplicaName(service, replica));
                }
            }
            foreach (var service in group)
            {
                for (var replica = 0; replica < Replicas(service); replica++)
                {
                    settings[$"services:{service}:http:{replica}"] = Address(service, replica).ToString().TrimEnd('/');
                }
            }
        }
        StartService("gateway");
    }

    /// <summary>Starts a service (or a replica: <see cref="ReplicaName"/>), with settings of its own on top if given.</summary>
    public void StartService(string name, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var service = name.Split('#')[0];
        var hostSettings = new Dictionary<string, string>(settings);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            hostSettings[key] = value;
        }
        var host = Create(service, hostSettings, overrides.GetValueOrDefault(service));
        // A port below the ephemeral range, kept for a restart: while the service is away, no outgoing connection
        // can take it (LoopbackPorts).
        host.Start(ports.TryGetValue(name, out var port) ? port : LoopbackPorts.Free());
        ports[name] = host.Address.Port;
        running[name] = host;
    }

    public async Task StopServiceAsync(string name)
    {
        if (running.Remove(name, out var host))
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>An HTTP client for the gateway, signed in as the caller the token describes.</summary>
    public HttpClient Client(TokenRequest caller)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(caller));
        return client;
    }

    public HttpClient Client(Role role, string region, Guid? schoolId = null, Guid? memberUnitId = null) =>
        Client(new TokenRequest(role, region, schoolId, memberUnitId, Subject: $"{role}-{region}-{Guid.NewGuid():N}"));

    public HttpClient Anonymous() => new() { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// Publishes an integration event onto this system's broker, as if the service that owns the contract had (to
    /// test a consumer against the real broker without driving the producer first).
    /// </summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        running.First(r => r.Key != "gateway").Value.Provider.GetRequiredService<IBus>().Publish(message, context =>
        {
            if (messageId is { } id) context.MessageId = id;
        });

    public static string Token(TokenRequest caller) =>
        DevTokens.Mint(new ConfigurationBuilder().Build(), caller);

    public async Task DisposeAsync()
    {
        foreach (var name in running.Keys.ToList())
        {
            await StopServiceAsync(name);
        }
    }

    /// <summary>A gateway on its own, with settings of the caller's choosing (another environment, say).</summary>
    public static IServiceHost StandaloneGateway(IReadOnlyDictionary<string, string> settings)
    {
        var quiet = new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (key, value) in settings)
        {
            quiet[key] = value;
        }
        var host = Create("gateway", quiet, null);
        host.Start();
        return host;
    }

    private static IServiceHost Create(
        string name, IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services) => name switch
    {
        "alliances" => new ServiceHost<Alliances.Program>(settings, services),
        "activities" => new ServiceHost<Activities.Program>(settings, services),
        "parentschool" => new ServiceHost<ParentSchool.Program>(settings, services),
        "campussafety" => new ServiceHost<CampusSafety.Program>(settings, services),
        "wellbeing" => new ServiceHost<Wellbeing.Program>(settings, services),
        "subscriptions" => new ServiceHost<Subscriptions.Program>(settings, services),
        "gateway" => new ServiceHost<Gateway.Program>(settings, services),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a JiaoLianTi service"),
    };
}
