namespace JiaoLianTi.Console.Components;

/// <summary>
/// Province → city → county on the coverage map. Coverage is an aggregate figure with nothing personal in it, so the
/// API shows every education bureau its whole province (docs/alliances.md, 覆盖率): a bureau opens on its province's
/// map, with its own county (or city) selected, and may drill into any city of the province.
/// </summary>
public static class CoverageDrill
{
    /// <summary>The view a bureau opens on: its province.</summary>
    public static string Home(string personRegion) => personRegion[..2];

    /// <summary>The county (or nothing) selected when the view opens: a county officer's own county.</summary>
    public static string? HomeSelection(string personRegion) => personRegion.Length >= 6 ? personRegion : null;

    /// <summary>The division-code prefix of the features drawn for a view of <paramref name="region"/>.</summary>
    public static string MapPrefix(string region) => region.Length >= 6 ? region[..2] : region;

    /// <summary>Where a click on a county leads: a province view drills into the county's city; a city or county
    /// view selects a county of its own, and drills into the city of one outside it.</summary>
    public static (string? Region, string? Selected) Click(string viewRegion, string countyCode)
    {
        if (countyCode.Length < 6 || !countyCode.StartsWith(viewRegion[..2], StringComparison.Ordinal))
        {
            return (null, null);
        }
        return viewRegion.Length == 2 || !countyCode.StartsWith(viewRegion, StringComparison.Ordinal)
            ? (countyCode[..4], null)
            : (null, countyCode);
    }

    /// <summary>One level up, as far as the province.</summary>
    public static string? Up(string viewRegion) =>
        viewRegion.Length > 2 ? viewRegion[..(viewRegion.Length - 2)] : null;

    public static string Percent(double share) => (share * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
