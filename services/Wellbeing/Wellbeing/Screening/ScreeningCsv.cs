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
        var csv = await CsvRows.OpenAsync(reader, RequiredColumns, ct);
        var columns = csv.Columns;
        var index = RequiredColumns.ToDictionary(c => c, csv.Column);
        var instrumentColumn = csv.Column("instrument");
        var rows = new List<ParsedRow>();
        var errors = new List<RowError>();
        await foreach (var (row, line, cells) in csv.ReadAsync(ScreeningImport.MaxRows, ct))
        {
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
        return (rows, errors);
    }
}
