using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// How many messages a service applies at once (issue 20: 32 at once in each of five services made PostgreSQL run 190
/// backends on 2 cores): 8 unless <c>Messaging:ConcurrentMessageLimit</c> says otherwise, on the real RabbitMQ and
/// PostgreSQL, through the idempotency filter as every consumer.
/// </summary>
public sealed class ConsumerConcurrencyTests
{
    public sealed record Slow(int N);

    /// <summary>Holds each message a while and records how many it held at once.</summary>
    public sealed class Gauge
    {
        private int now;
        public int Most;
        public int Done;

        public async Task Hold()
        {
            var current = Interlocked.Increment(ref now);
            lock (this)
            {
                Most = Math.Max(Most, current);
            }
            await Task.Delay(200);
            Interlocked.Decrement(ref now);
            Interlocked.Increment(ref Done);
        }
    }

    public sealed class SlowConsumer(Gauge gauge) : IConsumer<Slow>
    {
        public Task Consume(ConsumeContext<Slow> context) => gauge.Hold();
    }

    [Theory]
    [InlineData(null, MessagingExtensions.DefaultConcurrentMessageLimit)]
    [InlineData("3", 3)]
    public async Task A_service_applies_at_most_the_limit_at_once_and_reaches_it(string? setting, int expected)
    {
        var servers = await TestServers.GetAsync();
        var name = $"concurrency{Guid.NewGuid():N}"[..20];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:concurrencydb"] = await servers.CreateDatabaseAsync(name);
        builder.Configuration["ConnectionStrings:rabbitmq"] = await servers.CreateVirtualHostAsync(name);
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        if (setting is not null)
        {
            builder.Configuration[MessagingExtensions.ConcurrentMessageLimitKey] = setting;
        }
        var gauge = new Gauge();
        builder.Services.AddSingleton(gauge);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddEventStore("concurrencydb", _ => { });
        builder.AddMessaging("concurrency", bus => bus.AddConsumer<SlowConsumer>());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // More than the prefetch (32): the queue always holds more than the service takes at once.
            var bus = host.Services.GetRequiredService<IBus>();
            await Task.WhenAll(Enumerable.Range(0, 40).Select(n => bus.Publish(new Slow(n), c => c.MessageId = Guid.NewGuid())));
            await Eventually.Until(() => Task.FromResult(Volatile.Read(ref gauge.Done)), done => done == 40);
            Assert.Equal(40, Volatile.Read(ref gauge.Done));
            Assert.Equal(expected, gauge.Most);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
