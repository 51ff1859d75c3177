using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.TestKit;

/// <summary>One service (or the gateway) running in this process on a real Kestrel port on loopback.</summary>
public sealed class ServiceHost<TProgram>(
    IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services) : WebApplicationFactory<TProgram>, IServiceHost
    where TProgram : class
{
    public Uri Address { get; private set; } = null!;

    public IServiceProvider Provider => Services;

    public void Start(int port = 0)
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        Address = new Uri(addresses.Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

public interface IServiceHost : IAsyncDisposable
{
    Uri Address { get; }
    IServiceProvider Provider { get; }
    void Start(int port = 0);
}
