using System.Globalization;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Wellbeing.Screening;

/// <summary>One valid data row of a screening CSV.</summary>
internal sealed record ParsedRow(int Row, int Line, Guid StudentId, int Score, DateOnly TakenOn, string? Instrument);

/// <summary>
/// Reads a screening CSV (<c>studentId,score,takenOn</c>, optional <c>instrument</c>, header first): the valid rows,
/// and each malformed one with its fields at fault. A file without the columns or without rows is refused whole.
/// </summary>
internal static class ScreeningCsv
{
    private static readonly string[] RequiredColumns = ["studentId", "score", "takenOn"];

    public static async Task<(List<ParsedRow> Rows, List<RowError> Errors)> ParseAsync(StreamReader reader, DateOnly today, CancellationToken ct)
    {
        var header = await reader.ReadLineAsync(ct);
        var columns = header?.TrimStart('\uFEFF').Split(',').Select(c => c.Trim().Trim('"')).ToArray() ?? [];
        var index = RequiredColumns.ToDictionary(c => c, c => Array.FindIndex(columns, x => string.Equals(x, c, StringComparison.OrdinalIgnoreCase)));
        var missing = index.Where(i => i.Value < 0).Select(i => i.Key).ToArray();
        if (missing.Length > 0)
        {
            throw new ValidationFailed(new Dictionary<string, string[]>
            {
                ["csv"] = [$"首行须为列名 studentId,score,takenOn，缺少 {string.Join(", ", missing)} / the first line must name the columns studentId,score,takenOn; missing {string.Join(", ", missing)}"],
            });
        }
        var instrumentColumn = Array.FindIndex(columns, x => string.Equals(x, "instrument", StringComparison.OrdinalIgnoreCase));
        var rows = new List<ParsedRow>();
        var errors = new List<RowError>();
        var line = 1;
        var row = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            row++;
            if (row > ScreeningImport.MaxRows)
            {
                throw new ValidationFailed(new Dictionary<string, string[]> { ["csv"] = [$"至多 {ScreeningImport.MaxRows} 行 / at most {ScreeningImport.MaxRows} rows"] });
            }
            var cells = text.Split(',');
            var fieldErrors = new Dictionary<string, string[]>();
            if (cells.Length != columns.Length)
            {
                fieldErrors["row"] = [$"应有 {columns.Length} 列，实有 {cells.Length} 列 / has {cells.Length} cells, expected {columns.Length}"];
                errors.Add(new RowError(row, line, fieldErrors));
                continue;
            }
            string Cell(int i) => cells[i].Trim().Trim('"');
            if (!Guid.TryParse(Cell(index["studentId"]), out var student))
            {
                fieldErrors["studentId"] = ["不是有效的学生编号 / is not a student id (GUID)"];
            }
            if (!int.TryParse(Cell(index["score"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var score) || score is < 0 or > 200)
            {
                fieldErrors["score"] = ["须为 0 到 200 的整数 / must be a whole number from 0 to 200"];
            }
            if (!DateOnly.TryParseExact(Cell(index["takenOn"]), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var takenOn))
            {
                fieldErrors["takenOn"] = ["须为 yyyy-MM-dd 日期 / must be a date yyyy-MM-dd"];
            }
            else if (takenOn > today)
            {
                fieldErrors["takenOn"] = ["不能晚于今天 / cannot be in the future"];
            }
            var tool = instrumentColumn >= 0 ? Cell(instrumentColumn) : null;
            if (tool is { Length: > 50 })
            {
                fieldErrors["instrument"] = ["不得超过 50 个字符 / must be at most 50 characters"];
            }
            if (fieldErrors.Count > 0)
            {
                errors.Add(new RowError(row, line, fieldErrors));
            }
            else
            {
                rows.Add(new ParsedRow(row, line, student, score, takenOn, string.IsNullOrEmpty(tool) ? null : tool));
            }
        }
        if (row == 0)
        {
            throw new ValidationFailed(new Dictionary<string, string[]> { ["csv"] = ["没有数据行 / has no data rows"] });
        }
        return (rows, errors);
    }
}
