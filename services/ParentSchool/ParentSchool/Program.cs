using JiaoLianTi.Platform;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.ParentSchool;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddParentSchool();

        var app = builder.Build();

        app.UseServiceApi(ParentSchoolService.Name);
        app.MapDefaultEndpoints();
        app.MapParentSchoolApi();
        app.MapIntegrationFeed<JiaoLianTi.ParentSchool.Contracts.CoursePublished>();

        app.Run();
    }
}
