using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace JiaoLianTi.AppHost;

/// <summary>
/// PostgreSQL (one database per service) and RabbitMQ. Where servers are given as connection strings
/// (<c>ConnectionStrings:rabbitmq</c>, <c>ConnectionStrings:alliancesdb</c> ...: the run and test commands start them
/// as local processes, because this kind of machine has no container engine), they are used as they are, with a
/// health check each so that services wait for them. Otherwise Aspire runs them as containers.
/// </summary>
public sealed class Infrastructure
{
    private readonly Dictionary<string, IResourceBuilder<IResourceWithConnectionString>> databases = [];

    public required IResourceBuilder<IResourceWithConnectionString> Broker { get; init; }

    public IResourceBuilder<IResourceWithConnectionString> Database(string name) => databases[name];

    public static readonly string[] DatabaseNames = ["alliancesdb", "activitiesdb", "parentschooldb", "campussafetydb", "wellbeingdb", "subscriptionsdb", "consoledb"];

    public static Infrastructure Add(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return AddPublished(builder);
        }
        var useLocalServers = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("rabbitmq"));
        return useLocalServers ? AddLocal(builder) : AddContainers(builder);
    }

    private static Infrastructure AddLocal(IDistributedApplicationBuilder builder)
    {
        var brokerUri = new Uri(builder.Configuration.GetConnectionString("rabbitmq")!);
        builder.Services.AddHealthChecks().AddCheck("rabbitmq-answers", () => TcpAnswers(brokerUri.Host, brokerUri.Port));
        var infrastructure = new Infrastructure
        {
            Broker = builder.AddConnectionString("rabbitmq").WithHealthCheck("rabbitmq-answers"),
        };
        foreach (var name in DatabaseNames)
        {
            var connectionString = builder.Configuration.GetConnectionString(name)
                ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not set, but ConnectionStrings:rabbitmq is.");
            builder.Services.AddHealthChecks().AddAsyncCheck($"{name}-answers", ct => PostgresAnswers(connectionString, ct));
            infrastructure.databases[name] = builder.AddConnectionString(name).WithHealthCheck($"{name}-answers");
        }
        return infrastructure;
    }

    /// <summary>
    /// Publishing a deployment (deploy/): the databases and the broker are servers the province runs (CloudNativePG
    /// clusters, a RabbitMQ cluster; deploy/k8s/infra), given to the services as secret connection strings, never
    /// containers of this model (a published PostgreSQL container would keep its data on ephemeral storage).
    /// </summary>
    private static Infrastructure AddPublished(IDistributedApplicationBuilder builder)
    {
        var infrastructure = new Infrastructure { Broker = builder.AddConnectionString("rabbitmq") };
        foreach (var name in DatabaseNames)
        {
            infrastructure.databases[name] = builder.AddConnectionString(name);
        }
        return infrastructure;
    }

    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume("jiaolianti-postgres");
        var infrastructure = new Infrastructure
        {
            Broker = builder.AddRabbitMQ("rabbitmq").WithDataVolume("jiaolianti-rabbitmq").WithManagementPlugin(),
        };
        foreach (var name in DatabaseNames)
        {
            infrastructure.databases[name] = postgres.AddDatabase(name);
        }
        return infrastructure;
    }

    private static HealthCheckResult TcpAnswers(string host, int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(host, port < 0 ? 5672 : port);
            return HealthCheckResult.Healthy();
        }
        catch (SocketException e)
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ at {host}:{port} does not answer", e);
        }
    }

    private static async Task<HealthCheckResult> PostgresAnswers(string connectionString, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
        }
    }
}
