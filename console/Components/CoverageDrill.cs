namespace JiaoLianTi.Console.Components;

/// <summary>
/// Province → city → county on the coverage map. The API shows a bureau its own region only, so a drill never goes
/// above the person's region; the map of a county officer is the province's, with their county the only one coloured.
/// </summary>
public static class CoverageDrill
{
    /// <summary>The division-code prefix of the features drawn for a view of <paramref name="region"/>.</summary>
    public static string MapPrefix(string region) => region.Length >= 6 ? region[..2] : region;

    /// <summary>Where a click on a county leads: a province view drills into the county's city; a city or county
    /// view selects the county (null: stay).</summary>
    public static (string? Region, string? Selected) Click(string viewRegion, string personRegion, string countyCode)
    {
        if (!countyCode.StartsWith(personRegion, StringComparison.Ordinal) && !personRegion.StartsWith(countyCode[..4], StringComparison.Ordinal))
        {
            return (null, null);
        }
        return viewRegion.Length == 2 && countyCode.StartsWith(personRegion, StringComparison.Ordinal)
            ? (countyCode[..4], null)
            : (null, countyCode);
    }

    /// <summary>One level up, if the person's region allows it.</summary>
    public static string? Up(string viewRegion, string personRegion) =>
        viewRegion.Length > personRegion.Length ? viewRegion[..(viewRegion.Length - 2)] : null;

    public static string Percent(double share) => (share * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
