using JiaoLianTi.Platform;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.ParentSchool;

public static class ParentSchoolService
{
    public const string Name = "parentschool";
    public const string Database = "parentschooldb";

    public static IHostApplicationBuilder AddParentSchool(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.AddEventStore(Database, _ => { });
        builder.AddMessaging(Name);
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/parentschool</c>. Its domain arrives with its own issue.</summary>
    public static WebApplication MapParentSchoolApi(this WebApplication app) => app;
}
