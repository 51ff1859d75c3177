using System.Globalization;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// The broker the run and test commands start listens on loopback only: AMQP, and the Erlang distribution port
/// that once listened on every interface (its number asked of epmd, where the node registered it). Read from the
/// kernel's own socket table.
/// </summary>
public sealed class ListenersTests
{
    [Fact]
    public void The_brokers_AMQP_and_distribution_listeners_are_on_loopback_only()
    {
        var amqp = new Uri(Environment.GetEnvironmentVariable("JLT_TEST_AMQP")
            ?? throw new InvalidOperationException("JLT_TEST_AMQP is not set (test.sh sets it)."));
        var node = (Environment.GetEnvironmentVariable("JLT_TEST_RABBIT_NODE")
            ?? throw new InvalidOperationException("JLT_TEST_RABBIT_NODE is not set (test.sh sets it).")).Split('@')[0];
        foreach (var port in new[] { amqp.Port, DistributionPort(node) })
        {
            var listeners = Listening(port);
            Assert.NotEmpty(listeners);
            Assert.All(listeners, address => Assert.True(address is "0100007F" or "00000000000000000000000001000000",
                $"port {port} listens on {address}, not loopback"));
        }
    }

    /// <summary>The distribution port the node registered with epmd ("name jlt-test-1 at port 26690").</summary>
    private static int DistributionPort(string node)
    {
        using var epmd = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("epmd", "-names")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
            Environment = { ["ERL_EPMD_ADDRESS"] = "127.0.0.1" },
        })!;
        var names = epmd.StandardOutput.ReadToEnd();
        epmd.WaitForExit();
        var line = names.Split('\n').SingleOrDefault(l => l.StartsWith($"name {node} at port ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"epmd does not know {node}: {names}");
        return int.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The local addresses (hex, as the kernel writes them) of sockets listening on that port.</summary>
    private static List<string> Listening(int port)
    {
        var found = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] == "0A" && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    found.Add(local[0]);
                }
            }
        }
        return found;
    }
}
