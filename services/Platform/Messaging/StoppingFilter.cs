using MassTransit;
using Microsoft.Extensions.Hosting;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// The outermost filter of a service's consume pipe. A message whose consumption fails while the service is stopping
/// (its scope's services already disposed, its database connection closed, a retry cut short) has not failed: it
/// failed because this replica is going away. MassTransit would move it to <c>{queue}_error</c> after its retries,
/// where no replica would ever apply it. Turned into a cancellation, it is returned to the queue (a negative
/// acknowledgement with requeue) and another replica, or this one after its restart, applies it; the idempotency
/// filter makes sure that happens once even if the first attempt had committed.
/// </summary>
public sealed class StoppingFilter(IHostApplicationLifetime lifetime) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException
            && (lifetime.ApplicationStopping.IsCancellationRequested || context.CancellationToken.IsCancellationRequested))
        {
            throw new OperationCanceledException(
                $"Stopping: {context.MessageId} returned to the queue ({exception.GetType().Name}: {exception.Message})",
                exception, context.CancellationToken);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("stopping");
}
