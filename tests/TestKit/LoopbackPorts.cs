using System.Net;
using System.Net.Sockets;

namespace JiaoLianTi.TestKit;

/// <summary>
/// A loopback port for a server a test must name before it starts (an identity provider's issuer, the console the
/// gateway routes to). It is taken below the kernel's ephemeral range (32768 and up on Linux): a port from there, free
/// when picked, can be taken by the outgoing connection or the port-0 listener of a service started before the server
/// binds it (seen in CI: "address already in use" for the console, picked before the five services started). Below
/// the range only a process that asks for that very port can take it. The servers the test scripts start sit lower
/// (PostgreSQL, RabbitMQ with its management and distribution ports, the fault suite's processes: 16690-27999).
/// </summary>
public static class LoopbackPorts
{
    private const int First = 30000;
    private static readonly object Gate = new();

    /// <summary>
    /// The next port to try: ports are handed out in turn from a random start, so this process does not give the same
    /// port twice before the range is used up, and two test processes rarely start at the same one.
    /// </summary>
    private static int next = -1;

    public static int Free()
    {
        var count = EphemeralLow() - First;
        lock (Gate)
        {
            if (next < 0)
            {
                next = Random.Shared.Next(count);
            }
            for (var i = 0; i < count; i++)
            {
                var port = First + next++ % count;
                if (Bindable(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"no free loopback port in {First}-{First + count - 1}");
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var low = int.Parse(range.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0]);
            if (low > First + 100)
            {
                return low;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException
            or IndexOutOfRangeException)
        {
            // Not Linux, or not readable: the Linux default.
        }
        return 32768;
    }
}
