using System.Globalization;
using System.Text.Json;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// 家长会与家访 (ParentSchool's parent meetings and home visits) as the console and the parents' pages read them: the
/// words of their states, who a meeting is for, and what a school's staff may do with one now (the API still decides).
/// </summary>
public static class HomeSchoolRules
{
    public static string Meeting(string status) => status switch
    {
        "Scheduled" => "待召开",
        "Held" => "已召开",
        "Cancelled" => "已取消",
        _ => status,
    };

    public static string Visit(string status) => status switch
    {
        "Scheduled" => "待家访",
        "Done" => "已家访",
        "Cancelled" => "已取消",
        _ => status,
    };

    /// <summary>Who a meeting is for: a class (with its grade unless its name says it), a grade, or the whole school.</summary>
    public static string Audience(JsonElement meeting)
    {
        var grade = meeting.TryGetProperty("grade", out var g) && g.ValueKind == JsonValueKind.Number ? $"{g.GetInt32()} 年级" : "";
        var className = meeting.Str("className");
        return (grade, className) switch
        {
            ("", "") => "全校",
            (_, "") => grade,
            ("", _) => className,
            // 五年级一班 already says its grade.
            _ when className.Contains("年级", StringComparison.Ordinal) => className,
            _ => $"{grade} {className}",
        };
    }

    /// <summary>Attendance is recorded (or corrected) once the meeting has begun, unless it was cancelled.</summary>
    public static bool MayRecordAttendance(JsonElement meeting, DateTimeOffset now) =>
        meeting.Str("status") != "Cancelled" && meeting.At("startsAt") is { } at && at <= now;

    public static bool MayCancel(JsonElement item) => item.Str("status") == "Scheduled";

    /// <summary>A visit is recorded after its planned time, once.</summary>
    public static bool MayRecordVisit(JsonElement visit, DateTimeOffset now) =>
        visit.Str("status") == "Scheduled" && visit.At("plannedAt") is { } at && at <= now;

    /// <summary>The family members present, as typed: one per line or separated by 、，, or ; (empty parts dropped).</summary>
    public static string[] People(string typed) =>
        typed.Split(['\n', '、', '，', ',', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The next full hour a day from now, China's time, as a datetime-local input's value.</summary>
    public static string Tomorrow(DateTimeOffset now)
    {
        var local = now.ToOffset(J.China);
        var hour = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, J.China).AddHours(1).AddDays(1);
        return hour.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
    }
}
