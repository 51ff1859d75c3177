using System.Net;
using System.Text;
using System.Text.Json;
using JiaoLianTi.TestKit;
using RabbitMQ.Client;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>
/// What leaves ParentSchool, caught on the real broker by a queue of the test's own bound to each contract's exchange
/// (MassTransit names it after the contract's full type name): CoursePublished, CourseRetired, EnrolmentCompleted.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IntegrationEventTests(ParentSchoolSystem system)
{
    [Fact]
    public async Task Publishing_retiring_and_completing_leave_the_service_as_contracts_with_opaque_ids_only()
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(system.Setting("ConnectionStrings:rabbitmq")) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var contract in new[] { "CoursePublished", "CourseRetired", "EnrolmentCompleted" })
        {
            var exchange = $"JiaoLianTi.ParentSchool.Contracts:{contract}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueBindAsync(queue, exchange, "");
        }

        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        var (course, etag, body) = await Api.Courses.Published(county, Api.Courses.Body("County", place.County, "Safety", "防溺水 water safety", lessons: 1));
        var subject = $"parent-{Guid.NewGuid():N}";
        using var parent = system.Parent(place, subject);
        var enrolled = await parent.Post($"/api/parentschool/courses/{course}/enrolment", null);
        var done = await parent.Post($"/api/parentschool/my/courses/{course}/lessons/{Api.Courses.LessonIds(body)[0]}/completion", null, enrolled.ETag())
            .Expect(HttpStatusCode.OK);
        await county.Post($"/api/parentschool/courses/{course}/retire", null, etag).Expect(HttpStatusCode.OK);

        var received = new Dictionary<string, JsonElement>();
        await Eventually.Until(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } delivery)
            {
                var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span)).RootElement;
                var type = envelope.GetProperty("messageType")[0].GetString()!.Split(':')[^1];
                received[type] = envelope.GetProperty("message");
            }
            return received.Count;
        }, count => count == 3, TimeSpan.FromSeconds(60));

        Assert.Equal(3, received.Count);
        var published = received["CoursePublished"];
        Assert.Equal((course, 1, "Safety", "County", place.County), (published.GetProperty("courseId").GetGuid(), published.GetProperty("version").GetInt32(),
            published.GetProperty("topic").GetString(), published.GetProperty("scope").GetString(), published.GetProperty("regionCode").GetString()));
        Assert.Equal(course, received["CourseRetired"].GetProperty("courseId").GetGuid());
        var completed = received["EnrolmentCompleted"];
        Assert.Equal((course, place.School, place.County, done.GetProperty("certificateId").GetGuid()),
            (completed.GetProperty("courseId").GetGuid(), completed.GetProperty("schoolId").GetGuid(), completed.GetProperty("countyCode").GetString(),
                completed.GetProperty("certificateId").GetGuid()));
        Assert.Equal(Parents.ParentIds.Of(subject), completed.GetProperty("parentId").GetGuid());
        Assert.DoesNotContain(subject, completed.ToString());
    }
}
