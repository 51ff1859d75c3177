using System.Net;
using System.Net.Sockets;

namespace JiaoLianTi.TestKit;

/// <summary>
/// A TCP relay on a loopback port in front of a real server (PostgreSQL, say), that a test can cut and restore: cut,
/// it closes every relayed connection and refuses new ones, as a database that went away does; restored, it listens
/// on the same port again.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource running = new();

    public TcpRelay(string host, int port)
    {
        target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        // Below the ephemeral range, so that while cut no outgoing connection takes the port (LoopbackPorts).
        Port = Listen(LoopbackPorts.Free());
    }

    public int Port { get; }

    /// <summary>Every relayed connection closed, new ones refused.</summary>
    public void Cut()
    {
        running.Cancel();
        listener?.Stop();
        listener = null;
        lock (open)
        {
            foreach (var client in open)
            {
                try
                {
                    if (client.Client is { Connected: true } socket)
                    {
                        socket.LingerState = new LingerOption(true, 0); // a reset, as a vanished server gives
                    }
                }
                catch (ObjectDisposedException)
                {
                    // Closed already.
                }
                client.Dispose();
            }
            open.Clear();
        }
    }

    public void Restore()
    {
        running = new CancellationTokenSource();
        Listen(Port);
    }

    private int Listen(int port)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var accepting = listener;
        var token = running.Token;
        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await accepting.AcceptTcpClientAsync(token);
                }
                catch (Exception) when (token.IsCancellationRequested || accepting.Server is null || !accepting.Server.IsBound)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                _ = RelayAsync(client, token);
            }
        }, token);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RelayAsync(TcpClient client, CancellationToken token)
    {
        var server = new TcpClient();
        lock (open)
        {
            open.Add(client);
            open.Add(server);
        }
        try
        {
            await server.ConnectAsync(target, token);
            var up = client.GetStream().CopyToAsync(server.GetStream(), token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), token);
            await Task.WhenAny(up, down);
        }
        catch (Exception)
        {
            // Cut, or one side went away: close both.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
