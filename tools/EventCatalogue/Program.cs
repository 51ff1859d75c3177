using System.Text.Encodings.Web;
using System.Text.Json;
using JiaoLianTi.EventCatalogue;

// 事件目录生成器 Writes docs/events/asyncapi.json and docs/events/catalogue.md from the five Contracts projects.
// Usage: dotnet run --project tools/EventCatalogue [-- <docs/events folder>]
var folder = args.Length > 0 ? args[0] : Path.Combine(RepositoryRoot(), "docs", "events");
Directory.CreateDirectory(folder);
var events = Catalogue.Read();
File.WriteAllText(Path.Combine(folder, "asyncapi.json"), Writer.Json(AsyncApi.Document(events)));
File.WriteAllText(Path.Combine(folder, "catalogue.md"), Markdown.Page(events));
Console.WriteLine($"事件目录 {events.Count} events -> {Path.Combine(folder, "asyncapi.json")}, catalogue.md");

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "JiaoLianTi.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("Run from inside the repository, or name the output folder.");
}

namespace JiaoLianTi.EventCatalogue
{
    /// <summary>The one way the catalogue is written: indented, Chinese unescaped, a newline at the end.</summary>
    public static class Writer
    {
        private static readonly JsonSerializerOptions Options = new()
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public static string Json(System.Text.Json.Nodes.JsonNode document) => document.ToJsonString(Options) + "\n";
    }
}
