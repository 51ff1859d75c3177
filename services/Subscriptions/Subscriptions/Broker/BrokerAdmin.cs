using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Subscriptions.Broker;

/// <summary>
/// The broker's management HTTP API (the <c>rabbitmq_management</c> plugin): each AMQP subscription's own queue, user,
/// permissions and bindings. Where: <c>Broker:Management</c> (e.g. <c>http://127.0.0.1:15672</c>); as whom:
/// <c>Broker:ManagementUser</c>/<c>Broker:ManagementPassword</c>, else the user of the <c>rabbitmq</c> connection
/// string. Every call is idempotent (PUT, and a DELETE of what is gone is fine), so a retried step does no harm.
/// </summary>
public sealed class BrokerAdmin
{
    private readonly HttpClient http;
    private readonly string vhost;

    public BrokerAdmin(IConfiguration configuration, BrokerAddress broker)
    {
        var management = configuration["Broker:Management"] is { Length: > 0 } set ? set : throw new InvalidOperationException(
                "Broker:Management is not set (the broker's management API, e.g. http://127.0.0.1:15672). The AppHost sets it.");
        var user = configuration["Broker:ManagementUser"] ?? broker.Username;
        var password = configuration["Broker:ManagementPassword"] ?? broker.Password;
        // Its own client: the management API is not a service found by discovery, and its calls are retried by their caller.
        http = new HttpClient { BaseAddress = new Uri(management.TrimEnd('/') + "/api/"), Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        vhost = Uri.EscapeDataString(broker.VirtualHost);
        VirtualHost = broker.VirtualHost;
    }

    public string VirtualHost { get; }

    public Task DeclareTopicExchange(string exchange, CancellationToken ct) =>
        Send(HttpMethod.Put, $"exchanges/{vhost}/{E(exchange)}", new { type = "topic", durable = true, auto_delete = false }, ct);

    public Task DeclareQueue(string queue, CancellationToken ct) =>
        Send(HttpMethod.Put, $"queues/{vhost}/{E(queue)}", new { durable = true, auto_delete = false }, ct);

    public Task DeleteQueue(string queue, CancellationToken ct) => Send(HttpMethod.Delete, $"queues/{vhost}/{E(queue)}", null, ct);

    /// <summary>Creates the user, or sets a new password for it (its permissions stay).</summary>
    public Task PutUser(string user, string password, CancellationToken ct) =>
        Send(HttpMethod.Put, $"users/{E(user)}", new { password, tags = "" }, ct);

    public async Task<bool> UserExists(string user, CancellationToken ct)
    {
        using var response = await http.GetAsync($"users/{E(user)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await Ensure(response, ct);
        return true;
    }

    /// <summary>What the user may do in this virtual host: regexes over resource names.</summary>
    public Task SetPermissions(string user, string configure, string write, string read, CancellationToken ct) =>
        Send(HttpMethod.Put, $"permissions/{vhost}/{E(user)}", new { configure, write, read }, ct);

    /// <summary>Deletes the user and closes every connection it still has open.</summary>
    public async Task DeleteUser(string user, CancellationToken ct)
    {
        await Send(HttpMethod.Delete, $"users/{E(user)}", null, ct);
        var connections = await http.GetFromJsonAsync<List<ConnectionInfo>>("connections", ct) ?? [];
        foreach (var connection in connections.Where(c => c.User == user))
        {
            await Send(HttpMethod.Delete, $"connections/{E(connection.Name)}", null, ct);
        }
    }

    public async Task<IReadOnlyList<string>> Bindings(string exchange, string queue, CancellationToken ct)
    {
        using var response = await http.GetAsync($"bindings/{vhost}/e/{E(exchange)}/q/{E(queue)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }
        await Ensure(response, ct);
        var bindings = await response.Content.ReadFromJsonAsync<List<BindingInfo>>(ct) ?? [];
        return bindings.Select(b => b.RoutingKey).ToList();
    }

    public Task Bind(string exchange, string queue, string routingKey, CancellationToken ct) =>
        Send(HttpMethod.Post, $"bindings/{vhost}/e/{E(exchange)}/q/{E(queue)}", new { routing_key = routingKey }, ct);

    /// <summary>Removes a binding (a binding without arguments is named by its routing key).</summary>
    public Task Unbind(string exchange, string queue, string routingKey, CancellationToken ct) =>
        Send(HttpMethod.Delete, $"bindings/{vhost}/e/{E(exchange)}/q/{E(queue)}/{E(routingKey.Length == 0 ? "~" : routingKey)}", null, ct);

    private async Task Send(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        if (method == HttpMethod.Delete && response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }
        await Ensure(response, ct);
    }

    private static async Task Ensure(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"RabbitMQ management {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: " +
                $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}", null, response.StatusCode);
        }
    }

    private static string E(string name) => Uri.EscapeDataString(name);

    private sealed record ConnectionInfo([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("user")] string User);

    private sealed record BindingInfo([property: JsonPropertyName("routing_key")] string RoutingKey);
}
