using JiaoLianTi.Platform;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.CampusSafety;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddCampusSafety();

        var app = builder.Build();

        app.UseServiceApi(CampusSafetyService.Name);
        app.MapDefaultEndpoints();
        app.MapCampusSafetyApi();
        app.MapIntegrationFeed<JiaoLianTi.CampusSafety.Contracts.HazardReported>();

        app.Run();
    }
}
