using JiaoLianTi.Platform;

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

        app.Run();
    }
}
