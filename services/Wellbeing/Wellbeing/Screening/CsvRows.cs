using System.Runtime.CompilerServices;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Wellbeing.Screening;

/// <summary>One non-blank data line of an uploaded CSV: its row number, its line in the file, its cells.</summary>
internal readonly record struct CsvLine(int Row, int Line, string[] Cells);

/// <summary>
/// The parts every screening CSV shares (a school's mental-health round, a hospital's health round): the header must
/// name the required columns, blank lines are skipped, there are at most so many rows and at least one; anything else
/// is refused whole as a 400 on <c>csv</c>. Each import reads its own cells.
/// </summary>
internal sealed class CsvRows(StreamReader reader, string[] columns)
{
    public string[] Columns { get; } = columns;

    /// <summary>The index of a column by name (any case), or -1.</summary>
    public int Column(string name) => Array.FindIndex(Columns, x => string.Equals(x, name, StringComparison.OrdinalIgnoreCase));

    public static async Task<CsvRows> OpenAsync(StreamReader reader, IReadOnlyList<string> required, CancellationToken ct)
    {
        var header = await reader.ReadLineAsync(ct);
        var csv = new CsvRows(reader, header?.TrimStart('\uFEFF').Split(',').Select(c => c.Trim().Trim('"')).ToArray() ?? []);
        var missing = required.Where(c => csv.Column(c) < 0).ToArray();
        if (missing.Length > 0)
        {
            var names = string.Join(",", required);
            throw new ValidationFailed(new Dictionary<string, string[]>
            {
                ["csv"] = [$"首行须为列名 {names}，缺少 {string.Join(", ", missing)} / the first line must name the columns {names}; missing {string.Join(", ", missing)}"],
            });
        }
        return csv;
    }

    public async IAsyncEnumerable<CsvLine> ReadAsync(int maxRows, [EnumeratorCancellation] CancellationToken ct)
    {
        var line = 1;
        var row = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            if (++row > maxRows)
            {
                throw new ValidationFailed(new Dictionary<string, string[]> { ["csv"] = [$"至多 {maxRows} 行 / at most {maxRows} rows"] });
            }
            yield return new CsvLine(row, line, text.Split(','));
        }
        if (row == 0)
        {
            throw new ValidationFailed(new Dictionary<string, string[]> { ["csv"] = ["没有数据行 / has no data rows"] });
        }
    }
}
