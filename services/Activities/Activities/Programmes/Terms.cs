using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>
/// 学期: a school term, written <c>2026-autumn</c> (秋季学期, 1 September to 31 January) or <c>2027-spring</c> (春季学期,
/// 1 February to 31 July). August belongs to no term: <see cref="Of"/> gives the autumn term it leads into.
/// </summary>
public static class Terms
{
    public static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    public static bool TryParse(string? text, out DateOnly from, out DateOnly to)
    {
        from = to = default;
        var parts = text?.Split('-');
        if (parts is not [var y, var season] || y.Length != 4 || !int.TryParse(y, out var year) || year is < 2000 or > 2100)
        {
            return false;
        }
        switch (season)
        {
            case "autumn":
                from = new DateOnly(year, 9, 1);
                to = new DateOnly(year + 1, 1, 31);
                return true;
            case "spring":
                from = new DateOnly(year, 2, 1);
                to = new DateOnly(year, 7, 31);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The first and last day of a term already validated (400 naming <c>term</c> otherwise).</summary>
    public static (DateOnly From, DateOnly To) Range(string term) =>
        TryParse(term, out var from, out var to)
            ? (from, to)
            : throw new ValidationFailed(new Dictionary<string, string[]> { ["term"] = [Invalid] });

    public const string Invalid = "须为 yyyy-autumn（秋季学期）或 yyyy-spring（春季学期） / must be yyyy-autumn or yyyy-spring";

    /// <summary>The term a (China-time) day falls in, or for August the autumn term that follows.</summary>
    public static string Of(DateOnly day) => day.Month switch
    {
        1 => $"{day.Year - 1}-autumn",
        >= 2 and <= 7 => $"{day.Year}-spring",
        _ => $"{day.Year}-autumn",
    };

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaTime).DateTime);
}
