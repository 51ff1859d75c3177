using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Resilience.Tests;

/// <summary>
/// A system whose every process (gateway and services) may run only 2 requests at once with 2 waiting for at most
/// 0.2 s (Capacity:*, Platform Capacity/CapacityLimit.cs), far below what the load below asks of it.
/// </summary>
public sealed class SmallCapacitySystem : TestSystem
{
    public SmallCapacitySystem()
    {
        WithSetting("Capacity:Concurrency", "2");
        WithSetting("Capacity:QueueLimit", "2");
        WithSetting("Capacity:QueueSeconds", "0.2");
    }
}

/// <summary>
/// 饱和 / Saturation (issue 20 item 5): driven far past its configured capacity, the system answers every request at
/// once, either done (2xx) or refused with 503 (or 429 for one client past its share) carrying Retry-After and a
/// ProblemDetails in Chinese and English: never a 500, never a request left waiting. When the load is gone it serves
/// again.
/// </summary>
public sealed class SaturationTests(SmallCapacitySystem system) : IClassFixture<SmallCapacitySystem>
{
    private const int Requests = 300;

    [Fact]
    public async Task Through_the_gateway_past_capacity_every_answer_is_done_or_503_429_with_retry_after()
    {
        var answers = await Burst(system.GatewayAddress);

        AssertEveryAnswerIsDoneOrRefusedProperly(answers);
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        await AssertServesAgain(system.GatewayAddress);
    }

    [Fact]
    public async Task Straight_to_a_service_past_capacity_every_answer_is_done_or_503_with_retry_after()
    {
        var answers = await Burst(system.Address("alliances"));

        AssertEveryAnswerIsDoneOrRefusedProperly(answers);
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        await AssertServesAgain(system.Address("alliances"));
    }

    [Fact]
    public async Task Health_is_answered_while_the_process_is_past_capacity()
    {
        using var client = new HttpClient { BaseAddress = system.Address("alliances") };
        var burst = Burst(system.Address("alliances"));
        var health = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync("/alive")));
        await burst;

        Assert.All(health, h => Assert.Equal(HttpStatusCode.OK, h.StatusCode));
    }

    /// <summary>
    /// A crowd's connections wait in the kernel until the process accepts them: past Kestrel's default of 512 the
    /// handshake is dropped and the caller retries 1 s, then 3 s later (docs/deploy.md, Capacity). The listening
    /// sockets of the gateway and a service, read from the kernel (<c>ss</c>: Send-Q is a listener's backlog), keep
    /// 4096, or as many as <c>net.core.somaxconn</c> allows.
    /// </summary>
    [Fact]
    public async Task The_gateway_and_a_service_keep_4096_connections_waiting_to_be_accepted()
    {
        var somaxconn = int.Parse(await File.ReadAllTextAsync("/proc/sys/net/core/somaxconn"), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var address in new[] { system.GatewayAddress, system.Address("alliances") })
        {
            using var ss = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ss", $"-ltnH sport = :{address.Port}")
            {
                RedirectStandardOutput = true,
            })!;
            var listening = (await ss.StandardOutput.ReadToEndAsync()).Trim();
            await ss.WaitForExitAsync();
            // State  Recv-Q  Send-Q  Local:Port  Peer:Port
            var columns = listening.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(columns.Length >= 4, $"no listener on {address}: '{listening}'");
            Assert.Equal(Math.Min(4096, somaxconn), int.Parse(columns[2], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private sealed record Answer(HttpStatusCode Status, string? RetryAfter, string? MediaType, string Body);

    /// <summary>Commands (register a unit) and reads (the county's units) at once, each from its own client.</summary>
    private static async Task<Answer[]> Burst(Uri address)
    {
        var clients = Enumerable.Range(0, 30).Select(i =>
        {
            var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new("Bearer",
                TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104", Subject: $"saturation-{i}-{Guid.NewGuid():N}")));
            return client;
        }).ToArray();
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
            {
                var client = clients[i % clients.Length];
                using var response = i % 2 == 0
                    ? await client.Post("/api/alliances/units", new { kind = "Library", name = $"饱和图书馆{i}", countyCode = "510104" })
                    : await client.GetAsync("/api/alliances/units/?county=510104");
                return new Answer(response.StatusCode, response.Headers.RetryAfter?.ToString(),
                    response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static void AssertEveryAnswerIsDoneOrRefusedProperly(Answer[] answers)
    {
        Assert.Equal(Requests, answers.Length);
        Assert.Contains(answers, a => (int)a.Status is >= 200 and < 300);
        foreach (var answer in answers.Where(a => (int)a.Status is < 200 or >= 300))
        {
            Assert.True(answer.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests,
                $"{(int)answer.Status}: {answer.Body}");
            Assert.False(string.IsNullOrEmpty(answer.RetryAfter), $"{(int)answer.Status} without Retry-After");
            Assert.Equal("application/problem+json", answer.MediaType);
            var problem = JsonDocument.Parse(answer.Body).RootElement;
            Assert.Equal((int)answer.Status, problem.GetProperty("status").GetInt32());
            // Chinese first, English beside.
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}.* / [A-Z]", problem.GetProperty("title").GetString());
        }
    }

    private static async Task AssertServesAgain(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            TestSystem.Token(new TokenRequest(Role.CountyAdmin, "510104", Subject: $"after-{Guid.NewGuid():N}")));
        using var response = await client.Post("/api/alliances/units", new { kind = "Library", name = "饱和之后图书馆", countyCode = "510104" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
