using System.Collections.Frozen;
using System.Reflection;

namespace JiaoLianTi.Alliances.Regions;

public enum DivisionLevel { Province, City, County }

/// <summary>A province, city or county-level division of China (GB/T 2260 code, NBS 2023).</summary>
public sealed record Division(string Code, string Name, DivisionLevel Level, string? ParentCode);

/// <summary>
/// The region registry: every province (31), city (342) and county-level division (2,978) with its code, from the
/// National Bureau of Statistics' 2023 division codes (Regions/SOURCE.md). Every division code the service accepts
/// is checked here, and figures roll up along it.
/// </summary>
public sealed class Divisions
{
    private readonly FrozenDictionary<string, Division> byCode;

    private Divisions(IEnumerable<Division> divisions)
        => byCode = divisions.ToFrozenDictionary(d => d.Code, StringComparer.Ordinal);

    public static Divisions Load()
    {
        var provinces = Read("provinces").Select(r => new Division(r[0], r[1], DivisionLevel.Province, null));
        var cities = Read("cities").Select(r => new Division(r[0], r[1], DivisionLevel.City, r[2]));
        var counties = Read("areas").Select(r => new Division(r[0], r[1], DivisionLevel.County, r[2]));
        return new Divisions(provinces.Concat(cities).Concat(counties));
    }

    public Division? Find(string? code) => code is not null && byCode.TryGetValue(code, out var d) ? d : null;

    public bool IsCounty(string? code) => Find(code)?.Level == DivisionLevel.County;

    public IEnumerable<Division> CountiesIn(string regionPrefix) =>
        byCode.Values.Where(d => d.Level == DivisionLevel.County && d.Code.StartsWith(regionPrefix, StringComparison.Ordinal));

    private static IEnumerable<string[]> Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Regions.{name}.csv")
            ?? throw new InvalidOperationException($"Regions/{name}.csv is not embedded.");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // header
        var rows = new List<string[]>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            rows.Add(line.Split(',').Select(field => field.Trim().Trim('"')).ToArray());
        }
        return rows;
    }
}
