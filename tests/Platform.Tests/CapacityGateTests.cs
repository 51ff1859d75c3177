using System.Diagnostics.Metrics;
using JiaoLianTi.Platform.Capacity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The capacity gate (Capacity/CapacityLimit.cs): a fixed number run together, a short queue oldest first with a
/// timed wait, and, given a target time, a limit that shrinks while the requests let in take longer than the target
/// and grows back when they are fast again. Driven with a fake clock: the times are what the gate is told.
/// </summary>
public sealed class CapacityGateTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Without_a_target_the_limit_stays_however_long_requests_take()
    {
        var gate = new CapacityGate(16, 0, 0.5);

        await Finish(gate, 200, Slow);

        Assert.Equal(16, gate.Limit);
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task Requests_slower_than_the_target_shrink_the_limit_in_proportion_down_to_an_eighth()
    {
        var gate = new CapacityGate(64, 0, 0.5, targetSeconds: 1);

        // 64 finished at 4 s against 1 s: a quarter, but at most by half in one step.
        await Finish(gate, 64, Slow);
        Assert.Equal(32, gate.Limit);
        // At 1.6 s: 32 × 1 / 1.6 = 20.
        await Finish(gate, 32, TimeSpan.FromSeconds(1.6));
        Assert.Equal(20, gate.Limit);
        await Finish(gate, 200, Slow);
        Assert.Equal(8, gate.Limit);
    }

    [Fact]
    public async Task Slow_requests_that_never_fill_the_gate_keep_the_limit()
    {
        // A process warming up after its start: each request slow, but the limit never reached.
        var gate = new CapacityGate(64, 0, 0.5, targetSeconds: 1);

        await OneByOne(gate, 500, Slow);

        Assert.Equal(64, gate.Limit);
    }

    [Fact]
    public async Task Requests_between_half_the_target_and_the_target_keep_the_limit()
    {
        var gate = new CapacityGate(64, 0, 0.5, targetSeconds: 1);
        await Finish(gate, 64, Slow);

        await Finish(gate, 200, TimeSpan.FromSeconds(0.8));

        Assert.Equal(32, gate.Limit);
    }

    [Fact]
    public async Task Fast_requests_grow_the_limit_back_by_an_eighth_up_to_the_permits()
    {
        var gate = new CapacityGate(64, 0, 0.5, targetSeconds: 1);
        await Finish(gate, 400, Slow);
        Assert.Equal(8, gate.Limit);

        await Finish(gate, 8, Fast);
        Assert.Equal(9, gate.Limit);
        await Finish(gate, 9, Fast);
        Assert.Equal(10, gate.Limit);
        await Finish(gate, 1000, Fast);
        Assert.Equal(64, gate.Limit);
    }

    [Fact]
    public async Task Only_requests_let_in_under_the_current_limit_judge_it()
    {
        var gate = new CapacityGate(64, 0, 0.5, targetSeconds: 1);
        // 40 let in before the first change, still running when it comes.
        var earlier = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            earlier.Add((await gate.EnterAsync(CancellationToken.None))!.Value);
        }
        await Finish(gate, 24, Slow);
        await Finish(gate, 24, Slow); // 40 + 24 of the first generation are not yet finished: 24 + 24 = 48 < 64
        Assert.Equal(64, gate.Limit);
        foreach (var admitted in earlier.Take(16))
        {
            gate.Leave(admitted, Slow);
        }
        Assert.Equal(32, gate.Limit);

        // The other 24 of the first generation finish slowly after the change: they say nothing of the new limit.
        foreach (var admitted in earlier.Skip(16))
        {
            gate.Leave(admitted, Slow);
        }
        Assert.Equal(32, gate.Limit);
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task A_shrunk_limit_holds_back_new_requests_until_the_running_are_below_it()
    {
        var gate = new CapacityGate(16, 16, 0.5, targetSeconds: 1, new FakeTimeProvider());
        var running = new Queue<long>();
        async Task Enter(int count)
        {
            for (var i = 0; i < count; i++)
            {
                running.Enqueue((await gate.EnterAsync(CancellationToken.None))!.Value);
            }
        }
        void Leave(int count)
        {
            for (var i = 0; i < count; i++)
            {
                gate.Leave(running.Dequeue(), Slow);
            }
        }
        // 16 finish slowly while others keep the gate full: the limit halves with 15 still running.
        await Enter(16);
        using (var gone = new CancellationTokenSource())
        {
            await gone.CancelAsync();
            Assert.Null(await gate.EnterAsync(gone.Token));
        }
        for (var i = 0; i < 15; i++)
        {
            Leave(1);
            await Enter(1);
        }
        Leave(1);
        Assert.Equal(8, gate.Limit);
        Assert.Equal(15, gate.Running);

        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();
        Leave(7);
        Assert.Equal(8, gate.Running);
        Assert.False(waiting.IsCompleted);
        Leave(1);
        Assert.NotNull(await waiting);
        Assert.Equal(8, gate.Running);
    }

    [Fact]
    public async Task Past_the_permits_requests_wait_oldest_first_and_past_the_queue_are_refused_at_once()
    {
        var time = new FakeTimeProvider();
        var gate = new CapacityGate(1, 2, 0.5, time: time);
        var first = await gate.EnterAsync(CancellationToken.None);
        var second = gate.EnterAsync(CancellationToken.None).AsTask();
        var third = gate.EnterAsync(CancellationToken.None).AsTask();

        Assert.Null(await gate.EnterAsync(CancellationToken.None));
        Assert.False(second.IsCompleted);

        gate.Leave(first!.Value, Fast);
        Assert.NotNull(await second);
        Assert.False(third.IsCompleted);
        gate.Leave((await second)!.Value, Fast);
        Assert.NotNull(await third);
    }

    [Fact]
    public async Task A_wait_ends_refused_after_its_time_and_a_caller_who_left_gives_up_its_place()
    {
        var time = new FakeTimeProvider();
        var gate = new CapacityGate(1, 2, 0.5, time: time);
        var first = await gate.EnterAsync(CancellationToken.None);
        using var left = new CancellationTokenSource();
        var timed = gate.EnterAsync(CancellationToken.None).AsTask();
        var leaving = gate.EnterAsync(left.Token).AsTask();

        await left.CancelAsync();
        Assert.Null(await leaving);
        time.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Null(await timed);

        // Neither holds a place: the one running leaves, and the next comes straight in.
        gate.Leave(first!.Value, Fast);
        Assert.Equal(0, gate.Running);
        Assert.NotNull(await gate.EnterAsync(CancellationToken.None));
        Assert.Equal(1, gate.Running);
    }

    [Fact]
    public async Task The_gauges_say_what_each_gate_of_the_process_allows_and_runs()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var process = new CapacityGate(64, 0, 0.5, targetSeconds: 1);
        var shares = new[] { new CapacityGate(128, 0, 0.25, targetSeconds: 1), new CapacityGate(128, 0, 0.25, targetSeconds: 1) };
        CapacityGauges.Of(services, "gateway").Add("process", process);
        // Two instances of one service: the smaller limit, and what runs to both.
        CapacityGauges.Of(services, "ignored: the first name stays").Add("service:alliances", shares[0]);
        CapacityGauges.Of(services, "gateway").Add("service:alliances", shares[1]);
        await Finish(shares[1], 128, Slow);
        await process.EnterAsync(CancellationToken.None);
        await shares[0].EnterAsync(CancellationToken.None);
        await shares[1].EnterAsync(CancellationToken.None);

        var measured = Gauges();

        Assert.Contains((CapacityGauges.LimitInstrument, 64, "gateway", "process"), measured);
        Assert.Contains((CapacityGauges.RunningInstrument, 1, "gateway", "process"), measured);
        Assert.Contains((CapacityGauges.LimitInstrument, 64, "gateway", "service:alliances"), measured);
        Assert.Contains((CapacityGauges.RunningInstrument, 2, "gateway", "service:alliances"), measured);
        Assert.Equal(4, measured.Count);
    }

    [Fact]
    public async Task A_share_of_an_instance_that_is_gone_is_forgotten_once_nothing_runs_through_it()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var gauges = CapacityGauges.Of(services, "gateway");
        var shares = new CapacityShares(gauges, () => new CapacityGate(128, 0, 0.25, targetSeconds: 1));

        var first = shares.For("alliances", "pod-a", ["pod-a"]);
        Assert.Same(first, shares.For("alliances", "pod-a", ["pod-a", "pod-b"]));
        var activities = shares.For("activities", "pod-x", ["pod-x"]);
        var running = await first.EnterAsync(CancellationToken.None);
        // pod-a is replaced by pod-b while a request still runs through it: its share stays until that one is done.
        var second = shares.For("alliances", "pod-b", ["pod-b"]);
        Assert.NotSame(first, second);
        Assert.Equal(3, shares.Count);
        Assert.Contains((CapacityGauges.RunningInstrument, 1, "gateway", "service:alliances"), Gauges());
        first.Leave(running!.Value, Fast);

        // The next new instance sweeps it: the gauges and the shares kept follow the instances there are.
        var third = shares.For("alliances", "pod-c", ["pod-b", "pod-c"]);
        Assert.Equal(3, shares.Count);
        Assert.Same(second, shares.For("alliances", "pod-b", ["pod-b", "pod-c"]));
        Assert.Same(activities, shares.For("activities", "pod-x", ["pod-x"]));
        await Finish(third, 128, Slow);
        var measured = Gauges();
        // pod-b's full limit beside pod-c's shrunk one: the smallest; pod-a's is no longer among them.
        Assert.Contains((CapacityGauges.LimitInstrument, 64, "gateway", "service:alliances"), measured);
        Assert.Contains((CapacityGauges.LimitInstrument, 128, "gateway", "service:activities"), measured);
        Assert.Equal(4, measured.Count);

        // Every instance gone: the service's gates go with the next one, and its gauges show only that one.
        var fourth = shares.For("alliances", "pod-d", ["pod-d"]);
        Assert.Equal(2, shares.Count);
        Assert.Equal(128, fourth.Limit);
        Assert.Contains((CapacityGauges.LimitInstrument, 128, "gateway", "service:alliances"), Gauges());
    }

    /// <summary>What the capacity gauges of this process measure now: instrument, value, service, gate.</summary>
    private static List<(string Instrument, int Value, string? Service, string? Gate)> Gauges()
    {
        var measured = new List<(string Instrument, int Value, string? Service, string? Gate)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CapacityGauges.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            measured.Add((instrument.Name, value, all.GetValueOrDefault("service"), all.GetValueOrDefault("gate")));
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }

    /// <summary>
    /// Lets in at least <paramref name="count"/> requests, each taking <paramref name="ran"/>, with the gate full: in
    /// rounds, as many as it allows at once (one more finds the limit reached), then all of them leave.
    /// </summary>
    private static async Task Finish(CapacityGate gate, int count, TimeSpan ran)
    {
        for (var done = 0; done < count;)
        {
            var inside = new List<long>();
            while (await gate.EnterAsync(CancellationToken.None) is { } admitted)
            {
                inside.Add(admitted);
            }
            Assert.NotEmpty(inside);
            foreach (var admitted in inside)
            {
                gate.Leave(admitted, ran);
            }
            done += inside.Count;
        }
    }

    /// <summary>Lets <paramref name="count"/> requests in one after another, the gate never full, each taking <paramref name="ran"/>.</summary>
    private static async Task OneByOne(CapacityGate gate, int count, TimeSpan ran)
    {
        for (var i = 0; i < count; i++)
        {
            var admitted = await gate.EnterAsync(CancellationToken.None);
            Assert.NotNull(admitted);
            gate.Leave(admitted.Value, ran);
        }
    }
}
