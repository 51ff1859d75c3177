using JiaoLianTi.Platform.Messaging;
using MassTransit;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// Which messages the idempotency filter checks at commit rather than before the consumer runs: only those whose
/// every consumer in the service stages only (the Subscriptions relay, which publishes, takes Alliances' facts too).
/// </summary>
public sealed class StagesOnlyMessagesTests
{
    public sealed record Staged;
    public sealed record Published;

    private sealed class StagingConsumer : IConsumer<Staged>, IConsumer<Published>, IStagesOnly
    {
        public Task Consume(ConsumeContext<Staged> context) => Task.CompletedTask;
        public Task Consume(ConsumeContext<Published> context) => Task.CompletedTask;
    }

    private sealed class PublishingConsumer : IConsumer<Published>
    {
        public Task Consume(ConsumeContext<Published> context) => Task.CompletedTask;
    }

    [Fact]
    public void A_message_is_checked_at_commit_only_when_no_consumer_of_it_does_more_than_stage()
    {
        var messages = StagesOnlyMessages.Of([typeof(StagingConsumer), typeof(PublishingConsumer)]);

        Assert.True(messages.Contains(typeof(Staged)));
        Assert.False(messages.Contains(typeof(Published)));
        Assert.False(messages.Contains(typeof(object)));
    }
}
