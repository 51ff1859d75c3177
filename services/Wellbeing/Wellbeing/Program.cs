using JiaoLianTi.Platform;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Wellbeing;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddWellbeing();

        var app = builder.Build();

        app.UseServiceApi(WellbeingService.Name);
        app.MapDefaultEndpoints();
        app.MapWellbeingApi();
        app.MapIntegrationFeed<JiaoLianTi.Wellbeing.Contracts.ReferralMade>();

        app.Run();
    }
}
