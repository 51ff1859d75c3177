using JiaoLianTi.Platform;

namespace JiaoLianTi.Subscriptions;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddSubscriptions();

        var app = builder.Build();

        app.UseServiceApi(SubscriptionsService.Name);
        app.MapDefaultEndpoints();
        app.MapSubscriptionsApi();

        app.Run();
    }
}
