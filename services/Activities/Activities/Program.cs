using JiaoLianTi.Platform;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Activities;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddActivities();

        var app = builder.Build();

        app.UseServiceApi(ActivitiesService.Name);
        app.MapDefaultEndpoints();
        app.MapActivitiesApi();
        app.MapIntegrationFeed<JiaoLianTi.Activities.Contracts.ActivityPublished>();

        app.Run();
    }
}
