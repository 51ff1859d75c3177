using MassTransit;

namespace JiaoLianTi.Platform.Observability;

/// <summary>
/// Counts every message a consumer of this service took (<c>messaging.client.consumed.messages</c>, and
/// <c>messaging.process.duration</c>), by queue and message type (one consumer per type in a service); a message that
/// failed after its retries carries <c>error.type</c> (it is on its way to the error queue).
/// </summary>
public sealed class ConsumeMetrics(OpsMetrics metrics) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        metrics.Consumed(QueueOf(context), typeof(T).Name, context.ReceiveContext.ElapsedTime, null);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        metrics.Consumed(QueueOf(context), typeof(T).Name, context.ReceiveContext.ElapsedTime,
            exception.GetType().FullName ?? exception.GetType().Name);
        return Task.CompletedTask;
    }

    private static string QueueOf(ConsumeContext context) =>
        context.ReceiveContext.InputAddress?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
}
