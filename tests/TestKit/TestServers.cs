using System.Diagnostics;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace JiaoLianTi.TestKit;

/// <summary>
/// The real PostgreSQL and RabbitMQ the tests run against. test.sh starts them as local processes and names them in
/// JLT_TEST_POSTGRES, JLT_TEST_AMQP and JLT_TEST_RABBIT_NODE; without those, and only where a Docker engine answers,
/// Testcontainers starts them. Every test system gets its own databases and its own RabbitMQ virtual host.
/// </summary>
public sealed class TestServers
{
    private static readonly Lazy<Task<TestServers>> Shared = new(StartAsync);

    private readonly string postgresAdmin;
    private readonly Uri amqp;
    private readonly Func<string[], Task<string>> rabbitmqctl;

    private TestServers(string postgresAdmin, Uri amqp, Func<string[], Task<string>> rabbitmqctl, Uri? management = null)
    {
        Management = management;
        this.postgresAdmin = postgresAdmin;
        this.amqp = amqp;
        this.rabbitmqctl = rabbitmqctl;
    }

    public static Task<TestServers> GetAsync() => Shared.Value;

    public string PostgresAdmin => postgresAdmin;

    /// <summary>The broker's management API (JLT_TEST_RABBIT_MANAGEMENT), if it runs.</summary>
    public Uri? Management { get; }

    /// <summary>The broker's AMQP address (guest on loopback), without a virtual host.</summary>
    public Uri Amqp => amqp;

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(postgresAdmin + ";Database=postgres");
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }
        await using (var create = new NpgsqlCommand($"create database \"{name}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        return $"{postgresAdmin};Database={name};Maximum Pool Size=40";
    }

    /// <summary>A fresh virtual host; returns the amqp URI that names it.</summary>
    public async Task<string> CreateVirtualHostAsync(string name)
    {
        await rabbitmqctl(["add_vhost", name]);
        await rabbitmqctl(["set_permissions", "-p", name, "guest", ".*", ".*", ".*"]);
        return new UriBuilder(amqp) { Path = "/" + name }.Uri.ToString();
    }

    /// <summary>Stops the broker's application (connections drop, durable queues and messages stay).</summary>
    public Task StopBrokerAsync() => rabbitmqctl(["stop_app"]);

    public Task StartBrokerAsync() => rabbitmqctl(["start_app"]);

    public Task<string> BrokerCommandAsync(params string[] arguments) => rabbitmqctl(arguments);

    private static async Task<TestServers> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("JLT_TEST_POSTGRES");
        var amqp = Environment.GetEnvironmentVariable("JLT_TEST_AMQP");
        var node = Environment.GetEnvironmentVariable("JLT_TEST_RABBIT_NODE");
        if (!string.IsNullOrEmpty(postgres) && !string.IsNullOrEmpty(amqp) && !string.IsNullOrEmpty(node))
        {
            var management = Environment.GetEnvironmentVariable("JLT_TEST_RABBIT_MANAGEMENT");
            return new TestServers(postgres, new Uri(amqp), args => Run("rabbitmqctl", ["-n", node, .. args]),
                string.IsNullOrEmpty(management) ? null : new Uri(management));
        }
        if (!await DockerAnswers())
        {
            throw new InvalidOperationException(
                "No test servers: run the tests with ./test.sh (it starts PostgreSQL and RabbitMQ), or set JLT_TEST_POSTGRES, " +
                "JLT_TEST_AMQP and JLT_TEST_RABBIT_NODE, or run where a Docker engine answers.");
        }

        var pg = new PostgreSqlBuilder("postgres:17-alpine").WithUsername("app").WithPassword("app").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management-alpine").WithUsername("guest").WithPassword("guest").Build();
        await Task.WhenAll(pg.StartAsync(), rabbit.StartAsync());
        var admin = new NpgsqlConnectionStringBuilder(pg.GetConnectionString()) { Database = null }.ConnectionString;
        return new TestServers(admin, new Uri(rabbit.GetConnectionString()), async args =>
        {
            var result = await rabbit.ExecAsync(["rabbitmqctl", .. args]);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)}: {result.Stderr}");
            }
            return result.Stdout;
        }, new Uri($"http://{rabbit.Hostname}:{rabbit.GetMappedPublicPort(15672)}"));
    }

    private static async Task<bool> DockerAnswers()
    {
        try
        {
            await Run("docker", ["info", "--format", "{{.ServerVersion}}"]);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<string> Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
        }
        return await output;
    }
}
