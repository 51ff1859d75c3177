using JiaoLianTi.Platform;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Alliances;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddAlliances();

        var app = builder.Build();

        app.UseServiceApi(AlliancesService.Name);
        app.MapDefaultEndpoints();
        app.MapAlliancesApi();
        app.MapIntegrationFeed<JiaoLianTi.Alliances.Contracts.AllianceEstablished>();

        app.Run();
    }
}
