using JasperFx;
using JiaoLianTi.Platform;

namespace JiaoLianTi.Wellbeing;

public sealed class Program
{
    /// <summary>Runs the service; <c>codegen write</c> writes Marten's code ahead of time (run.sh does, for Release).</summary>
    public static Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddWellbeing();

        var app = builder.Build();

        app.UseServiceApi(WellbeingService.Name);
        app.MapDefaultEndpoints();
        app.MapWellbeingApi();

        return app.RunJasperFxCommands(args);
    }
}
