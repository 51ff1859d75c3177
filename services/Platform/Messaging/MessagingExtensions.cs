using JasperFx.Events;
using MassTransit;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JiaoLianTi.Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>The AppHost's resource name of the broker.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>
    /// MassTransit on RabbitMQ with this service's one durable queue, named after the service, which every consumer of
    /// the service shares (replicas compete on it). Every consumer runs behind <see cref="IdempotencyFilter{T}"/>, so a
    /// redelivered message is applied once; failed messages are retried by MassTransit and then parked in
    /// <c>{service}_error</c>.
    /// </summary>
    public static IServiceCollection AddMessaging(
        this IHostApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var broker = BrokerAddress.From(builder.Configuration);
        builder.Services.AddSingleton(broker);
        builder.Services.AddSingleton<PublishingGate>();
        builder.Services.AddMassTransit(bus =>
        {
            consumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.Username);
                    host.Password(broker.Password);
                    host.PublisherConfirmation = true;
                });
                rabbit.ReceiveEndpoint(serviceName, endpoint =>
                {
                    endpoint.UseMessageRetry(retry =>
                    {
                        retry.Intervals(50, 250, 1000, 5000);
                        retry.Ignore<Http.RuleViolation>();
                    });
                    endpoint.UseConsumeFilter(typeof(IdempotencyFilter<>), context);
                    endpoint.ConfigureConsumers(context);
                });
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // The service is not started (nor healthy) until its queue and bindings exist.
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(15);
        });
        return builder.Services;
    }

    /// <summary>
    /// Publishes the service's integration events from its event store (docs/design.md 4): <paramref name="map"/> turns an
    /// internal event into its contract, or null for events that stay inside.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression PublishIntegrationEvents(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IIntegrationEventMap map)
    {
        marten.Services.AddSingleton(map);
        marten.AddSubscriptionWithServices<IntegrationEventPublisher>(ServiceLifetime.Singleton);
        return marten;
    }
}

/// <summary>Turns a committed internal event into the integration event that leaves the service, or null.</summary>
public interface IIntegrationEventMap
{
    object? ToIntegrationEvent(IEvent @event);
}

/// <summary>The broker, read from the <c>rabbitmq</c> connection string (amqp://user:password@host:port/vhost).</summary>
public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static BrokerAddress From(IConfiguration configuration)
    {
        var text = configuration.GetConnectionString(MessagingExtensions.BrokerConnectionName)
            ?? throw new InvalidOperationException(
                "ConnectionStrings:rabbitmq is not set. The AppHost sets it; outside it, set ConnectionStrings__rabbitmq.");
        var uri = new Uri(text);
        var user = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new BrokerAddress(
            uri.Host,
            (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port),
            string.IsNullOrEmpty(vhost) ? "/" : vhost,
            user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest",
            user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest");
    }
}
