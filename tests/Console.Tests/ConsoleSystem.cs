using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// The whole system in this process (five services and the gateway, real PostgreSQL and RabbitMQ), the console behind
/// the real gateway at /console, and one headless Debian chromium driven by Playwright: started once for every
/// browser test. Screenshots go to <see cref="Screenshots"/> (JLT_SCREENSHOTS, default a folder under /tmp).
/// </summary>
public sealed class ConsoleSystem : IAsyncLifetime
{
    public const string Jinjiang = "510104";

    /// <summary>The five services and Subscriptions (数据订阅's page).</summary>
    public TestSystem System { get; } = new TestSystem().WithSubscriptions();

    /// <summary>Activities' clock, which a test moves forward to "the day of the activity" (volunteer hours).</summary>
    public ShiftedClock ActivitiesClock { get; } = new();
    public IServiceHost Console { get; private set; } = null!;
    /// <summary>The console's own database (sessions, Data Protection keys), shared by every console instance.</summary>
    public string ConsoleDatabase { get; private set; } = "";
    public IReadOnlyDictionary<string, string> ConsoleSettings => new Dictionary<string, string>
    {
        ["Console:Gateway"] = Gateway.ToString(),
        ["ConnectionStrings:consoledb"] = ConsoleDatabase,
        // 家长端 消息: the console consumes the integration events of this system's virtual host.
        ["ConnectionStrings:rabbitmq"] = System.Setting("ConnectionStrings:rabbitmq"),
    };
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri Gateway => System.GatewayAddress;
    public string Screenshots { get; } =
        Environment.GetEnvironmentVariable("JLT_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "jiaolianti-console-screenshots");

    public async Task InitializeAsync()
    {
        var consolePort = LoopbackPorts.Free();
        System.WithSetting("services:console:http:0", $"http://127.0.0.1:{consolePort}");
        System.Configure("activities", s => s.AddSingleton<TimeProvider>(ActivitiesClock));
        await System.InitializeAsync();
        ConsoleDatabase = await System.Servers.CreateDatabaseAsync($"{System.Id}_console");
        Console = StartConsole(consolePort, ConsoleSettings);
        Directory.CreateDirectory(Screenshots);
        global::System.Console.Error.WriteLine($"[console tests] screenshots: {Screenshots}");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(Playwright);
    }

    public static IServiceHost StartConsole(int port, IReadOnlyDictionary<string, string> extra, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        var host = new ServiceHost<Program>(settings, services);
        host.Start(port);
        return host;
    }

    /// <summary>Debian's chromium by path (no browser download), with the flags this kind of machine needs.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var path = Environment.GetEnvironmentVariable("JLT_CHROMIUM")
                   ?? new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
                   ?? throw new InvalidOperationException("chromium is not installed: apt-get install chromium fonts-noto-cjk (test.sh does)");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser session (its own cookies), at a desktop size, in Chinese.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Gateway.ToString(),
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>开发登录 with one of the chooser's presets (a bureau).</summary>
    public async Task<IPage> SignInAsync(string role, string region, string path = "/console/")
    {
        var page = await NewPageAsync();
        await page.GotoAsync(path);
        await page.Locator($"[data-test=preset][data-role={role}][data-region='{region}']").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        return page;
    }

    /// <summary>开发登录 through the chooser's form (a school or unit person).</summary>
    public async Task<IPage> SignInWithFormAsync(
        string role, string region, Guid? schoolId = null, Guid? unitId = null, string path = "/console/", string? department = null)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(path);
        await page.SelectOptionAsync("#role", role);
        await page.FillAsync("#region", region);
        if (department is not null) await page.SelectOptionAsync("#department", department);
        if (schoolId is { } school) await page.FillAsync("#school", school.ToString());
        if (unitId is { } unit) await page.FillAsync("#unit", unit.ToString());
        await page.ClickAsync("[data-test=dev-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        return page;
    }

    /// <summary>The console is interactive once Blazor's circuit is up (a click before that is lost).</summary>
    public static async Task InteractiveAsync(IPage page) =>
        await page.Locator("body[data-interactive='1']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>按名称选择: type into a picker and click the option with the value (the search reaches the API).</summary>
    public static async Task PickAsync(IPage page, string testId, string text, Guid value)
    {
        var search = page.Locator($"[data-test={testId}-search]");
        await search.ClickAsync();
        await search.FillAsync(text);
        await page.Locator($"[data-test={testId}-list] [data-test=option][data-value='{value}']").ClickAsync();
    }

    public async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public HttpClient Api(Role role, string region, Guid? schoolId = null, Guid? unitId = null) =>
        System.Client(role, region, schoolId, unitId);

    public HttpClient Api(TokenRequest caller) => System.Client(caller);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        if (Console is not null) await Console.DisposeAsync();
        await System.DisposeAsync();
    }
}

/// <summary>Real time plus an offset a test moves forward; timers stay real.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));
    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleSystem>
{
    public const string Name = "console";
}

internal static class Json
{
    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text).RootElement;
    }

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);
}
