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

    /// <summary>Below 32768, where Linux's default ephemeral range (net.ipv4.ip_local_port_range) begins.</summary>
    private const int Count = 32768 - First;
    private static readonly object Gate = new();

    /// <summary>
    /// The next port to try: ports are handed out in turn from a random start, so this process does not give the same
    /// port twice before the range is used up, and two test processes rarely start at the same one.
    /// </summary>
    private static int next = -1;

    public static int Free()
    {
        lock (Gate)
        {
            if (next < 0)
            {
                next = Random.Shared.Next(Count);
            }
            for (var i = 0; i < Count; i++)
            {
                var port = First + next++ % Count;
                if (Bindable(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"no free loopback port in {First}-{First + Count - 1}");
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
}
