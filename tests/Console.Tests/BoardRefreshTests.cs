using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Components.Shared;
using Microsoft.AspNetCore.Components;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// A board that waits for the server (数据订阅: an approved subscription whose queue the broker has not made yet) reads
/// its columns again by itself until nothing shown is waiting, then stops asking.
/// </summary>
public sealed class BoardRefreshTests() : CannedGateway("DepartmentOfficer")
{
    private readonly List<string> asked = [];
    private int queueMadeAfter = 2;

    /// <summary>The subscriptions list: one active AMQP subscription, its broker state Requested for the first reads.</summary>
    protected override string Answer(HttpRequestMessage request)
    {
        var query = request.RequestUri!.Query;
        lock (asked)
        {
            asked.Add(query);
        }
        var active = query.Contains("status=Active");
        var broker = Reads() > queueMadeAfter ? "Active" : "Requested";
        return active ? $$$"""[{"id":"{{{Guid.Empty}}}","name":"锦江区公安分局警情系统","status":"Active","delivery":"Amqp","broker":{"status":"{{{broker}}}"}}]""" : "[]";
    }

    /// <summary>Shorter than the console's 2 s, so that the tests take a second or two.</summary>
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);

    private static bool SettingUp(JsonElement s) => s.GetProperty("broker").GetProperty("status").GetString() != "Active";

    private IRenderedComponent<Board> RenderBoard() => Render<Board>(p => p
        .Add(b => b.Path, "api/subscriptions").Add(b => b.Statuses, ["Requested", "Active"]).Add(b => b.RefreshWhile, SettingUp).Add(b => b.RefreshEvery, Every)
        .Add(b => b.Ticket, (RenderFragment<JsonElement>)(s => builder =>
            builder.AddContent(0, SettingUp(s) ? "队列准备中 Setting up…" : "接入 Connect"))));

    private int Reads()
    {
        lock (asked)
        {
            return asked.Count(q => q.Contains("status=Active"));
        }
    }

    [Fact]
    public void While_a_ticket_waits_for_the_server_the_board_reads_again_and_stops_once_none_waits()
    {
        var board = RenderBoard();
        Assert.Contains("队列准备中", board.Find("[data-status=Active] .jlt-ticket").TextContent);

        // Read again and again: the third read finds the queue made, and the ticket changes without a reload.
        board.WaitForAssertion(() => Assert.Contains("接入 Connect", board.Find("[data-status=Active] .jlt-ticket").TextContent),
            TimeSpan.FromSeconds(15));
        Assert.Equal(3, Reads());
        // Nothing waits any more: no further reads.
        Thread.Sleep(Every * 4);
        Assert.Equal(3, Reads());
    }

    [Fact]
    public void A_board_with_nothing_waiting_reads_once()
    {
        queueMadeAfter = 0;
        var board = RenderBoard();
        Assert.Contains("接入 Connect", board.Find("[data-status=Active] .jlt-ticket").TextContent);
        Thread.Sleep(Every * 4);
        Assert.Equal(1, Reads());
    }

    [Fact]
    public void A_board_that_is_left_stops_reading()
    {
        queueMadeAfter = int.MaxValue;
        var board = RenderBoard();
        board.WaitForAssertion(() => Assert.True(Reads() >= 2), TimeSpan.FromSeconds(10));
        Renderer.DisposeComponents();
        var left = Reads();
        Thread.Sleep(Every * 4);
        Assert.Equal(left, Reads());
    }
}
