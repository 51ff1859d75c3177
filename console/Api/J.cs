using System.Globalization;
using System.Text.Json;

namespace JiaoLianTi.Console.Api;

/// <summary>Reading the API's JSON for display (lists are shown as they come, without a copy of every record type).</summary>
public static class J
{
    /// <summary>China's offset: the API stores instants, schools mean Beijing time.</summary>
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Today's date in China.</summary>
    public static DateOnly TodayInChina() => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(China).DateTime);

    /// <summary>A day in China as the instant it begins (for an API that compares instants).</summary>
    public static string StartOf(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), China).ToString("O", CultureInfo.InvariantCulture);

    public static string Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString() ?? "",
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                JsonValueKind.Array => string.Join("、", v.EnumerateArray().Select(x => x.ToString())),
                _ => v.ToString(),
            }
            : "";

    public static int Int(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    public static Guid Id(this JsonElement e, string name = "id") =>
        Guid.TryParse(e.Str(name), out var id) ? id : Guid.Empty;

    public static bool Bool(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>A time of the API shown in China's time, <c>yyyy-MM-dd HH:mm</c>; a date stays a date.</summary>
    public static string When(this JsonElement e, string name)
    {
        var text = e.Str(name);
        if (text.Length == 10)
        {
            return text;
        }
        return e.At(name) is { } at ? at.ToOffset(China).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>A time of the API as a point in time (UTC when it names no offset); null when absent or not a time.</summary>
    public static DateTimeOffset? At(this JsonElement e, string name) =>
        DateTimeOffset.TryParse(e.Str(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>What a form field holds, trimmed; null when empty (the API then names the field as missing).</summary>
    /// <summary>A record's revision (its <c>version</c>), as the If-Match of a change made from a list's row.</summary>
    public static string Revision(this JsonElement item) =>
        $"\"{item.GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture)}\"";

    public static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>五育 the dimensions an activity or programme serves, by the names the plans use (德育、美育).</summary>
    public static string Dimensions(this JsonElement e, string name = "dimensions") =>
        string.Join("、", e.Items(name).Select(d => Dimension(d.GetString())));

    public static string Dimension(string? value) => value switch
    {
        "Moral" => "德育", "Intellectual" => "智育", "Physical" => "体育", "Aesthetic" => "美育", "Labour" => "劳动教育",
        _ => value ?? "",
    };

    /// <summary>A rate of the API (0-1) as Chinese reports write it: 19.5% (no space before the sign).</summary>
    public static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static IEnumerable<JsonElement> Items(this JsonElement page, string name = "items") =>
        page.ValueKind == JsonValueKind.Object && page.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray()
            : [];
}

/// <summary>A query string of the values given (empty ones left out: the API binds an empty enum as an error).</summary>
public static class Q
{
    public static string Of(string path, params (string Name, object? Value)[] parameters)
    {
        var given = parameters
            .Select(p => (p.Name, Value: p.Value?.ToString()?.Trim()))
            .Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}");
        var query = string.Join('&', given);
        return query.Length == 0 ? path : $"{path}{(path.Contains('?') ? '&' : '?')}{query}";
    }
}
