using System.Globalization;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Wellbeing.Screening;

namespace JiaoLianTi.Wellbeing.HealthScreening;

/// <summary>One valid data row of a hospital's CSV.</summary>
internal sealed record HealthRow(int Row, int Line, Guid StudentId, int Grade, DateOnly ScreenedOn, HealthMeasurements Measurements);

/// <summary>
/// The limits of a measurement, checked the same way for one result (JSON) and for each row of a CSV: the field names
/// are the JSON paths (<c>vision.right.acuity</c>) or the CSV columns (<c>rightAcuity</c>).
/// </summary>
internal static class HealthLimits
{
    public const int MaxRemarks = 200;

    public static void Grade(Action<bool, string, string> check, int? grade, string field) =>
        check(grade is >= 1 and <= 12, field, "须为 1 到 12 的年级 / must be a grade from 1 to 12");

    public static void Eye(Action<bool, string, string> check, decimal? acuity, decimal? sphere, decimal? cylinder, string acuityField, string sphereField, string cylinderField)
    {
        check(acuity is >= 3.0m and <= 5.3m, acuityField, "须为五分记录 3.0 到 5.3 / must be 3.0 to 5.3 on the five-point chart");
        check(sphere is null or (>= -25m and <= 15m), sphereField, "须在 -25 到 +15 屈光度之间 / must be -25 to +15 dioptres");
        check(cylinder is null or (>= -10m and <= 10m), cylinderField, "须在 -10 到 +10 屈光度之间 / must be -10 to +10 dioptres");
        check(cylinder is null || sphere is not null, cylinderField, "有柱镜须有球镜 / a cylinder needs its sphere");
    }

    public static void Trunk(Action<bool, string, string> check, decimal? degrees, string field) =>
        check(degrees is >= 0m and <= 40m, field, "须为 0 到 40 度 / must be 0 to 40 degrees");
}

/// <summary>
/// Reads a hospital's CSV of a round (UTF-8, header first): <c>studentId,grade,screenedOn</c>, and for a vision round
/// <c>rightAcuity,leftAcuity</c> (optional <c>rightSphere,rightCylinder,leftSphere,leftCylinder</c>), for a spine round
/// <c>trunkRotation</c>, optional <c>remarks</c>. A row leaves a check's cells empty when the child was not measured for
/// it, but measures at least one. The valid rows, and each malformed one with its fields at fault; a file without the
/// columns or rows is refused whole.
/// </summary>
internal static class HealthScreeningCsv
{
    public const int MaxRows = 5_000;

    public static async Task<(List<HealthRow> Rows, List<RowError> Errors)> ParseAsync(
        StreamReader reader, IReadOnlyList<HealthCheck> checks, DateOnly today, CancellationToken ct)
    {
        var required = new List<string> { "studentId", "grade", "screenedOn" };
        if (checks.Contains(HealthCheck.Vision)) required.AddRange(["rightAcuity", "leftAcuity"]);
        if (checks.Contains(HealthCheck.Spine)) required.Add("trunkRotation");
        var csv = await CsvRows.OpenAsync(reader, required, ct);
        var columns = csv.Columns;
        int Col(string name) => csv.Column(name);
        var rows = new List<HealthRow>();
        var errors = new List<RowError>();
        var seen = new HashSet<Guid>();
        await foreach (var (row, line, cells) in csv.ReadAsync(MaxRows, ct))
        {
            var fieldErrors = new Dictionary<string, string[]>();
            void Check(bool valid, string field, string message)
            {
                if (!valid) fieldErrors[field] = [.. fieldErrors.GetValueOrDefault(field, []), message];
            }
            if (cells.Length != columns.Length)
            {
                Check(false, "row", $"应有 {columns.Length} 列，实有 {cells.Length} 列 / has {cells.Length} cells, expected {columns.Length}");
                errors.Add(new RowError(row, line, fieldErrors));
                continue;
            }
            string? Cell(string name) => Col(name) is >= 0 and var i && cells[i].Trim().Trim('"') is { Length: > 0 } v ? v : null;
            decimal? Number(string name)
            {
                if (Cell(name) is not { } v) return null;
                if (decimal.TryParse(v, NumberStyles.Number | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)) return d;
                Check(false, name, "不是数字 / is not a number");
                return null;
            }
            if (!Guid.TryParse(Cell("studentId"), out var student))
            {
                Check(false, "studentId", "不是有效的学生编号 / is not a student id (GUID)");
            }
            else if (!seen.Add(student))
            {
                Check(false, "studentId", "该学生在文件中重复 / appears twice in the file");
            }
            int? grade = int.TryParse(Cell("grade"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) ? g : null;
            HealthLimits.Grade(Check, grade, "grade");
            if (!DateOnly.TryParseExact(Cell("screenedOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
            {
                Check(false, "screenedOn", "须为 yyyy-MM-dd 日期 / must be a date yyyy-MM-dd");
            }
            else if (on > today)
            {
                Check(false, "screenedOn", "不能晚于今天 / cannot be in the future");
            }
            VisionMeasure? vision = null;
            var visionCells = new[] { "rightAcuity", "leftAcuity", "rightSphere", "rightCylinder", "leftSphere", "leftCylinder" };
            if (checks.Contains(HealthCheck.Vision) && visionCells.Any(c => Cell(c) is not null))
            {
                var (ra, la, rs, rc, ls, lc) = (Number("rightAcuity"), Number("leftAcuity"), Number("rightSphere"), Number("rightCylinder"),
                    Number("leftSphere"), Number("leftCylinder"));
                HealthLimits.Eye(Check, ra, rs, rc, "rightAcuity", "rightSphere", "rightCylinder");
                HealthLimits.Eye(Check, la, ls, lc, "leftAcuity", "leftSphere", "leftCylinder");
                if (ra is { } r && la is { } l) vision = new VisionMeasure(new EyeMeasure(r, rs, rc), new EyeMeasure(l, ls, lc));
            }
            SpineMeasure? spine = null;
            if (checks.Contains(HealthCheck.Spine) && Cell("trunkRotation") is not null)
            {
                var atr = Number("trunkRotation");
                HealthLimits.Trunk(Check, atr, "trunkRotation");
                if (atr is { } a) spine = new SpineMeasure(a);
            }
            var remarks = Cell("remarks");
            Check(remarks is null || remarks.Length <= HealthLimits.MaxRemarks, "remarks", $"不得超过 {HealthLimits.MaxRemarks} 个字符 / must be at most {HealthLimits.MaxRemarks} characters");
            if (fieldErrors.Count == 0 && vision is null && spine is null)
            {
                Check(false, "row", "至少须有一项筛查结果 / needs the result of at least one check");
            }
            if (fieldErrors.Count > 0)
            {
                errors.Add(new RowError(row, line, fieldErrors));
            }
            else
            {
                rows.Add(new HealthRow(row, line, student, grade!.Value, on, new HealthMeasurements(vision, spine, remarks)));
            }
        }
        return (rows, errors);
    }
}
