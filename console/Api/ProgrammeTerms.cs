namespace JiaoLianTi.Console.Api;

/// <summary>
/// 学期 The terms after-school programmes belong to, as the Activities API writes them (<c>2026-autumn</c>: September to
/// January; <c>2027-spring</c>: February to July), and the weekdays they meet.
/// </summary>
public static class ProgrammeTerms
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static readonly IReadOnlyList<(string Day, string Name)> Weekdays =
        [("Monday", "周一"), ("Tuesday", "周二"), ("Wednesday", "周三"), ("Thursday", "周四"), ("Friday", "周五"), ("Saturday", "周六"), ("Sunday", "周日")];

    /// <summary>The term of a day in China (January is still the autumn term of the year before).</summary>
    public static string Of(DateTimeOffset at)
    {
        var day = at.ToOffset(China);
        return day.Month switch
        {
            1 => $"{day.Year - 1}-autumn",
            >= 2 and <= 7 => $"{day.Year}-spring",
            _ => $"{day.Year}-autumn",
        };
    }

    /// <summary>This term, the one before and the next, newest last: what a school sets up or looks back at.</summary>
    public static IReadOnlyList<string> Around(DateTimeOffset now)
    {
        var current = Of(now);
        return [Step(current, -1), current, Step(current, 1)];
    }

    /// <summary>A term's days in China, end exclusive: autumn from 1 August to 1 February, spring from 1 February to 1 August.</summary>
    public static (DateOnly From, DateOnly To) Range(string term) => term.Split('-') is [var y, var season] && int.TryParse(y, out var year)
        ? season == "autumn" ? (new DateOnly(year, 8, 1), new DateOnly(year + 1, 2, 1)) : (new DateOnly(year, 2, 1), new DateOnly(year, 8, 1))
        : throw new ArgumentException($"not a term: {term}", nameof(term));

    /// <summary>2026-autumn → 2026 年秋季学期.</summary>
    public static string Name(string term) => term.Split('-') is [var year, var season]
        ? $"{year} 年{(season == "autumn" ? "秋季" : season == "spring" ? "春季" : season)}学期 {term}"
        : term;

    /// <summary>
    /// The day a teacher most likely takes attendance for: today if the programme meets today, else the last day it met
    /// (within the week before); today if it meets on none of them.
    /// </summary>
    public static DateOnly LastSession(IEnumerable<string> weekdays, DateOnly today)
    {
        var days = weekdays.ToHashSet();
        for (var back = 0; back < 7; back++)
        {
            var day = today.AddDays(-back);
            if (days.Contains(day.DayOfWeek.ToString())) return day;
        }
        return today;
    }

    public static string WeekdayName(DateOnly day) => Weekdays.FirstOrDefault(w => w.Day == day.DayOfWeek.ToString()).Name ?? "";

    public static string WeekdayNames(IEnumerable<string> days) =>
        string.Join("、", days.Select(d => Weekdays.FirstOrDefault(w => w.Day == d).Name ?? d));

    private static string Step(string term, int by)
    {
        var (year, autumn) = (int.Parse(term[..4]), term.EndsWith("autumn", StringComparison.Ordinal));
        return by switch
        {
            < 0 => autumn ? $"{year}-spring" : $"{year - 1}-autumn",
            _ => autumn ? $"{year + 1}-spring" : $"{year}-autumn",
        };
    }
}
