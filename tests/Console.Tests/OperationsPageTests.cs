using System.Text;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Playwright;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 运维: an operator opens the operations page, sees each service's error queue, projections and periodic checks,
/// finds a failed message (type, id, first error, attempts; never its body) and discards it with a reason, which the
/// service's operations log records. Nobody else has the page.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OperationsPageTests(ConsoleSystem console)
{
    [Fact]
    public async Task An_operator_sees_every_services_error_queue_and_projections_and_discards_a_failed_message_with_a_reason()
    {
        var messageId = Guid.NewGuid();
        const string secret = "某学生的个人信息";
        await ParkAsync("parentschool", messageId, secret);

        var page = await console.SignInWithFormAsync("Operator", "51");
        await page.GotoAsync("/console/operations");
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1").First).ToContainTextAsync("运维");
        foreach (var service in TestSystem.ServiceNames)
        {
            var panel = page.Locator($"[data-test=ops-{service}]");
            await Assertions.Expect(panel.Locator("[data-test=error-count]")).ToBeVisibleAsync();
            // Its async projections and subscriptions (rows once the store has events) and its periodic checks.
            await Assertions.Expect(panel.Locator("[data-test=projections]")).ToBeVisibleAsync();
        }
        var row = page.Locator($"[data-test=ops-parentschool] [data-test=error-{messageId}]");
        await Assertions.Expect(row).ToContainTextAsync("LessonCompleted");
        await Assertions.Expect(row).ToContainTextAsync("System.InvalidOperationException");
        await Assertions.Expect(row).ToContainTextAsync("injected for the operations page");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(secret);
        await console.ShotAsync(page, "operations");

        // A discard without a reason is refused, named, and changes nothing.
        await row.Locator("[data-test=discard]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=problem]")).ToContainTextAsync("原因");
        await Assertions.Expect(row).ToBeVisibleAsync();

        await page.FillAsync("[data-test=discard-reason]", "测试消息，已人工核对 / a test message, checked by hand");
        await page.Locator("[data-test=discard-reason]").DispatchEventAsync("change");
        await row.Locator("[data-test=discard]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);

        using var operatorClient = console.System.Client(new TokenRequest(Role.Operator, "51", Subject: "ops-console"));
        var log = await operatorClient.GetStringAsync("/api/parentschool/operations/log");
        Assert.Contains(messageId.ToString(), log);
        Assert.Contains("a test message, checked by hand", log);

        // Other roles do not have the page.
        var bureau = await console.SignInWithFormAsync("ProvinceAdmin", "51");
        await bureau.GotoAsync("/console/operations");
        await ConsoleSystem.InteractiveAsync(bureau);
        await Assertions.Expect(bureau.Locator("[data-test=ops-parentschool]")).ToHaveCountAsync(0);
    }

    /// <summary>A message as MassTransit parks it in <c>{queue}_error</c> after its retries (its fault headers).</summary>
    private async Task ParkAsync(string queue, Guid messageId, string secret)
    {
        var factory = new ConnectionFactory { Uri = new Uri(console.System.Setting("ConnectionStrings:rabbitmq")) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var errorQueue = $"{queue}_error";
        try
        {
            await channel.QueueDeclarePassiveAsync(errorQueue);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            await using var again = await connection.CreateChannelAsync();
            await again.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false);
        }
        await using var publish = await connection.CreateChannelAsync();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId,
            messageType = new[] { "urn:message:JiaoLianTi.ParentSchool.Contracts:LessonCompleted" },
            message = new { note = secret },
        });
        var properties = new BasicProperties
        {
            MessageId = messageId.ToString(),
            ContentType = "application/vnd.masstransit+json",
            Persistent = true,
            Headers = new Dictionary<string, object?>
            {
                ["MT-Reason"] = "fault",
                ["MT-Fault-ExceptionType"] = "System.InvalidOperationException",
                ["MT-Fault-Message"] = "injected for the operations page",
                ["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
                ["MT-Fault-RetryCount"] = "4",
            },
        };
        await publish.BasicPublishAsync("", errorQueue, mandatory: false, properties, body);
    }
}
