using System.Collections.Frozen;
using System.Reflection;

namespace JiaoLianTi.Platform.Identity;

/// <summary>
/// The codes of China's divisions (31 provinces, 342 cities, 2,978 counties; NBS 2023), read from the same files as
/// Alliances' region registry (services/Alliances/Alliances/Regions, embedded here as links): what a region code may
/// be, for anything outside Alliances that must refuse a code no division has (the development token issuer).
/// </summary>
public static class DivisionCodes
{
    private static readonly Lazy<FrozenSet<string>> Codes = new(Load);

    /// <summary>True when <paramref name="code"/> is a province, city or county code that exists.</summary>
    public static bool Exists(string? code) => code is not null && Regions.IsRegionPrefix(code) && Codes.Value.Contains(code);

    private static FrozenSet<string> Load()
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "provinces", "cities", "areas" })
        {
            using var stream = typeof(DivisionCodes).Assembly.GetManifestResourceStream($"Divisions.{name}.csv")
                ?? throw new InvalidOperationException($"Divisions/{name}.csv is not embedded in Platform.");
            using var reader = new StreamReader(stream);
            reader.ReadLine(); // header
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                codes.Add(line[..line.IndexOf(',')].Trim().Trim('"'));
            }
        }
        return codes.ToFrozenSet(StringComparer.Ordinal);
    }
}
