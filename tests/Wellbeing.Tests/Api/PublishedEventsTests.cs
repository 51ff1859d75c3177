using System.Collections.Concurrent;
using System.Net;
using System.Text;
using JiaoLianTi.TestKit;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

/// <summary>
/// What a departmental subscriber (the health department) receives off the real broker: ReferralMade with opaque ids,
/// and nothing of the child's details anywhere in the message.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PublishedEventsTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_referral_reaches_a_subscriber_as_ReferralMade_without_personal_data()
    {
        var received = new ConcurrentQueue<string>();
        var factory = new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        const string exchange = "JiaoLianTi.Wellbeing.Contracts:ReferralMade";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync($"health-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received.Enqueue(Encoding.UTF8.GetString(delivery.Body.Span));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var marker = $"Secret{Guid.NewGuid():N}";
        var (child, _) = await admin.RecordChild(school, $"学生{marker}");
        var made = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = school.HospitalId, urgency = "Priority", reason = $"原因{marker}" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var referralId = (await made.Json()).GetProperty("referralId").GetGuid().ToString();

        var messages = await Eventually.Until(() => Task.FromResult(received.ToArray()), m => m.Any(x => x.Contains(referralId)));
        var message = Assert.Single(messages, m => m.Contains(referralId));
        Assert.Contains(child.ToString(), message);
        Assert.Contains(school.HospitalId.ToString(), message);
        Assert.Contains("Priority", message);
        Assert.DoesNotContain(marker, message);
    }
}
