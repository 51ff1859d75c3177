using JiaoLianTi.Platform.Messaging;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace JiaoLianTi.Platform.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// The service's operations side (the hook in <see cref="MessagingExtensions.AddMessaging"/>): its instruments
    /// (<see cref="OpsMetrics"/>), the event-flow sampler and health check, the consume observer, the committed-event
    /// counters, the error queue and projection rebuilds for the operations API (<see cref="OperationsApi"/>).
    /// </summary>
    /// <param name="queueName">The service's queue when it is not named after the service (<see cref="ServiceQueue.Name"/>).</param>
    public static IServiceCollection AddOperations(this IHostApplicationBuilder builder, string serviceName, string? queueName = null)
    {
        var services = builder.Services;
        var queueType = QueueTypes.From(builder.Configuration);
        services.AddSingleton(new ServiceQueues(serviceName, [QueueTypes.QueueName(queueName ?? serviceName, queueType.Quorum)]));
        services.AddSingleton<EventFlowSampler.Holder>();
        services.AddSingleton(sp => new OpsMetrics(serviceName, sp.GetRequiredService<EventFlowSampler.Holder>(),
            sp.GetServices<EventCounter>()));
        services.AddSingleton<EventFlowSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<EventFlowSampler>());
        services.AddHealthChecks().AddCheck<EventFlowHealthCheck>(EventFlowHealthCheck.Name, HealthStatus.Degraded, ["ready"]);
        services.AddConsumeObserver<ConsumeMetrics>();
        services.AddSingleton<IConfigureMarten, CountAppendedEvents>();
        services.AddSingleton<ErrorQueues>();
        services.AddSingleton<ProjectionRebuilds>();
        return services;
    }
}
