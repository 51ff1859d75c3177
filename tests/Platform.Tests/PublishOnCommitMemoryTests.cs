using JasperFx.Events;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// What PublishOnCommit remembers of the events a page took without a claim: released as the page publishes them, and
/// forgotten after <see cref="PublishOnCommit.StreamMemory"/> when a page never comes back to release them (its daemon
/// moved to another replica). No servers: the entries are kept in memory.
/// </summary>
public sealed class PublishOnCommitMemoryTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-12-03T23:00:00Z"));

    private PublishOnCommit Create()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [PublishOnCommit.EnabledKey] = "true" })
            .Build();
        return new PublishOnCommit(new ServiceCollection().BuildServiceProvider(), new ProbeMap(),
            new PublishingGate(new BrokerAddress("127.0.0.1", 5672, "/", "nobody", "nothing"), configuration,
                NullLogger<PublishingGate>.Instance),
            new AppendWakeup("Host=127.0.0.1;Database=unused", NullLogger.Instance), configuration,
            NullLogger<PublishOnCommit>.Instance, clock);
    }

    private static IEvent Probe(Guid stream, int version) =>
        new Event<ProbeHappened>(new ProbeHappened(stream, version)) { Id = Guid.NewGuid(), StreamId = stream, Version = version };

    [Fact]
    public async Task Events_a_page_took_and_never_released_are_forgotten_after_the_streams_memory()
    {
        await using var onCommit = Create();
        var stream = Guid.NewGuid();
        var events = Enumerable.Range(1, 3).Select(v => Probe(stream, v)).ToArray();

        // The page takes three events (none was claimed at its commit) and publishes only the first before it stops.
        Assert.All(events, e => Assert.False(onCommit.IsClaimed(e)));
        onCommit.Release(events[0]);
        Assert.Equal(2, onCommit.TakenByPage);
        Assert.Equal(0, onCommit.Pending);

        // Within the memory the two stay: a commit's listener coming late must still find them the page's.
        clock.Advance(TimeSpan.FromMinutes(1));
        onCommit.Settled(Guid.NewGuid(), 1);
        Assert.Equal(2, onCommit.TakenByPage);
        Assert.False(onCommit.IsClaimed(events[1]));

        // Past it, the next page's settling (or a commit) forgets them.
        clock.Advance(PublishOnCommit.StreamMemory);
        onCommit.Settled(Guid.NewGuid(), 1);
        Assert.Equal(0, onCommit.TakenByPage);

        // A page that reads them again takes them afresh, and releases them as it publishes.
        Assert.False(onCommit.IsClaimed(events[2]));
        Assert.Equal(1, onCommit.TakenByPage);
        onCommit.Release(events[2]);
        Assert.Equal(0, onCommit.TakenByPage);
    }

    /// <summary>The page releasing an event twice (a page run again) changes nothing; reading it again takes it afresh.</summary>
    [Fact]
    public async Task A_second_release_changes_nothing_and_a_page_reading_the_event_again_takes_it_afresh()
    {
        await using var onCommit = Create();
        var taken = Probe(Guid.NewGuid(), 1);
        Assert.False(onCommit.IsClaimed(taken));
        onCommit.Release(taken);
        onCommit.Release(taken);
        Assert.Equal(0, onCommit.TakenByPage);
        Assert.False(onCommit.IsClaimed(taken));
        Assert.Equal(1, onCommit.TakenByPage);
    }
}
