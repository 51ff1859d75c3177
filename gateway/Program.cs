namespace JiaoLianTi.Gateway;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddGateway();

        var app = builder.Build();

        app.UseGateway();
        app.MapDefaultEndpoints();
        app.MapGateway();

        app.Run();
    }
}
