using System.Globalization;
using AntDesign;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Auth;
using JiaoLianTi.Console.Components;
using JiaoLianTi.Console.Map;
using JiaoLianTi.Console.Parent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Npgsql;

namespace JiaoLianTi.Console;

/// <summary>
/// 工作台 Console: a Blazor Web App served under <c>/console</c> (the gateway routes <c>/console/**</c> here and
/// <c>/</c> to it), and the parents' static pages under <c>/parent</c> (家长端, docs/parent.md). Pages are interactive on the server; the sign-in pages are static. Every call to the services goes
/// through the gateway's public API with the signed-in person's token (docs/console.md).
/// </summary>
public sealed class Program
{
    public const string PathBase = "/console";

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The packages' assets (AntDesign, Blazor's script) from the build output in any environment; a published
        // console has them in wwwroot, and then this finds no manifest and does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.AddServiceDefaults();

        // Chinese first, whatever the server's own culture (AntDesign follows the culture unless told).
        var chinese = CultureInfo.GetCultureInfo("zh-CN");
        CultureInfo.DefaultThreadCurrentCulture = chinese;
        CultureInfo.DefaultThreadCurrentUICulture = chinese;
        LocaleProvider.DefaultLanguage = "zh-CN";

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntDesign();
        // Sessions and Data Protection keys in the console's own database, shared by every replica (docs/console.md).
        var database = builder.Configuration.GetConnectionString(ConsoleStore.ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConsoleStore.ConnectionName} is not set: the console keeps its sessions in PostgreSQL.");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(database));
        builder.Services.AddSingleton<ConsoleStore>();
        builder.Services.AddSingleton<DataProtectionKeys>();
        builder.Services.AddDataProtection().SetApplicationName("jiaolianti-console");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeys>((options, keys) => options.XmlRepository = keys);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddConsoleSignIn(builder.Configuration, builder.Environment);
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddScoped<PickerSources>();
        // No generic retries: a write the console sends once must reach the API once (a person retries, seeing why).
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental in Microsoft.Extensions.Http.Resilience 10.x
        builder.Services.AddHttpClient<GatewayClient>(ConfigureGateway).RemoveAllResilienceHandlers();
        // The same gateway without a user (the development token issuer).
        builder.Services.AddHttpClient(nameof(GatewayClient), ConfigureGateway).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<CountyMap>();
        // 家长端 消息: consumed from RabbitMQ into consoledb (docs/parent.md).
        builder.AddParentMessages();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // The console is reached through the gateway only (its own port is not published), which says in
            // X-Forwarded-* how the browser reached it: OIDC redirect addresses must use that.
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
        });

        var app = builder.Build();
        var store = app.Services.GetRequiredService<ConsoleStore>();
        store.InitializeAsync().GetAwaiter().GetResult();
        ParentMessages.InitializeAsync(store.Data).GetAwaiter().GetResult();
        store.EnsureKeyAsync(app.Services.GetRequiredService<IKeyManager>(), app.Services.GetRequiredService<TimeProvider>()).GetAwaiter().GetResult();
        app.UseForwardedHeaders();
        app.UsePathBase(PathBase);
        // Routing after the path base, so that endpoints match the path without /console.
        app.UseRouting();
        app.MapDefaultEndpoints();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapConsoleSignIn();
        app.MapParentSignIn();
        app.MapParentActions();
        app.MapCountyMap();
        app.MapExports();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
        app.Run();

        void ConfigureGateway(HttpClient client)
        {
            client.BaseAddress = new Uri((builder.Configuration["Console:Gateway"] ?? "http://gateway").TrimEnd('/') + "/");
            client.Timeout = TimeSpan.FromSeconds(60);
        }
    }
}
