using JasperFx;
using JiaoLianTi.Platform;

namespace JiaoLianTi.Activities;

public sealed class Program
{
    /// <summary>Runs the service; <c>codegen write</c> writes Marten's code ahead of time (run.sh does, for Release).</summary>
    public static Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddActivities();

        var app = builder.Build();

        app.UseServiceApi(ActivitiesService.Name);
        app.MapDefaultEndpoints();
        app.MapActivitiesApi();

        return app.RunJasperFxCommands(args);
    }
}
