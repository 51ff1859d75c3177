using System.Text;

namespace JiaoLianTi.EventCatalogue;

/// <summary>The catalogue as a page for people (docs/events/catalogue.md): Chinese first, English beside.</summary>
public static class Markdown
{
    public static string Page(IReadOnlyList<EventEntry> events)
    {
        var md = new StringBuilder();
        md.AppendLine("# 事件目录 Event catalogue");
        md.AppendLine();
        md.AppendLine($"<!-- 生成的文件，请勿手工编辑 / Generated: {AsyncApi.RegenerateCommand} -->");
        md.AppendLine();
        md.AppendLine("五个服务发布的全部集成事件，由各服务的 Contracts 项目生成（机器可读版本：[asyncapi.json](asyncapi.json)，" +
            "经网关 `GET /api/events/catalogue`）。事件只携带不透明 id，不含未成年人的个人数据。");
        md.AppendLine("Every integration event of the five services, generated from their Contracts projects (machine-readable: " +
            "[asyncapi.json](asyncapi.json), through the gateway at `GET /api/events/catalogue`). Events carry opaque ids only.");
        md.AppendLine();
        md.AppendLine($"重新生成 Regenerate: `{AsyncApi.RegenerateCommand}`. 说明 How it works: [README.md](README.md).");
        md.AppendLine();
        md.AppendLine("| 服务 service | 事件 event | 版本 version | 说明 | description | 部门路由键 departments' key | 数据分级 data class |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var e in events)
        {
            md.AppendLine($"| {e.Service} | [{e.Name}](#{e.Name.ToLowerInvariant()}) | {e.Version} | {Cell(e.ChineseTitle)} | {Cell(e.English)} | " +
                $"{(e.DivisionFrom is null ? "—" : $"`{e.Name}.<2>.<4>.<6>`")} | {e.DataClass} |");
        }
        foreach (var group in events.GroupBy(e => e.Service))
        {
            md.AppendLine();
            md.AppendLine($"## {group.Key}");
            foreach (var e in group)
            {
                md.AppendLine();
                md.AppendLine($"### {e.Name}");
                md.AppendLine();
                md.AppendLine(e.Chinese);
                md.AppendLine();
                md.AppendLine(e.English);
                md.AppendLine();
                md.AppendLine($"- 版本 version: {e.Version}; 交换机 exchange: `{e.Exchange}` (fanout)");
                md.AppendLine(e.DivisionFrom is null
                    ? "- 部门路由 departments: 不涉及地点，不路由 / concerns no place, not routed"
                    : $"- 部门路由 departments: `{Catalogue.DepartmentsExchange}`, `{e.Name}.<2>.<4>.<6>` (区划码来自 division from `{e.DivisionFrom}`)");
                md.AppendLine($"- 数据分级 data class: `{e.DataClass}`");
                md.AppendLine();
                md.AppendLine("| 字段 field | 类型 type | 必有 required | 说明 description |");
                md.AppendLine("|---|---|---|---|");
                foreach (var f in e.Fields)
                {
                    var schema = AsyncApi.Schema(f.Type, nullable: false);
                    var type = (string)schema["type"]! + (schema["format"] is { } format ? $" ({format})" : "")
                        + (schema["items"] is { } items ? $" of {items["type"]}" : "");
                    md.AppendLine($"| `{f.Name}` | {type} | {(f.Required ? "是 yes" : "否 no")} | {Cell(f.Description ?? "")} |");
                }
            }
        }
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
