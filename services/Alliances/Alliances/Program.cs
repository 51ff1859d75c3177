using JasperFx;
using JiaoLianTi.Platform;

namespace JiaoLianTi.Alliances;

public sealed class Program
{
    /// <summary>Runs the service; <c>codegen write</c> writes Marten's code ahead of time (run.sh does, for Release).</summary>
    public static Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddAlliances();

        var app = builder.Build();

        app.UseServiceApi(AlliancesService.Name);
        app.MapDefaultEndpoints();
        app.MapAlliancesApi();

        return app.RunJasperFxCommands(args);
    }
}
