using System.Collections.Frozen;
using System.Reflection;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// 区划名称: the name of a province (51), city (5101) or county-level division (510104) for display beside its code,
/// from the National Bureau of Statistics' list that Alliances checks every code against (its Regions/*.csv, linked
/// into this assembly). A code not on the list has no name, and the page shows the code alone.
/// </summary>
public static class RegionNames
{
    private static readonly FrozenDictionary<string, string> Names = Load();

    public static string? Of(string? code) =>
        code is { Length: > 0 } && Names.TryGetValue(code, out var name) ? name : null;

    private static FrozenDictionary<string, string> Load()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in new[] { "provinces", "cities", "areas" })
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Regions.{file}.csv")
                ?? throw new InvalidOperationException($"Regions/{file}.csv is not embedded in the console.");
            using var reader = new StreamReader(stream);
            reader.ReadLine(); // code,name,...
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                var fields = line.Split(',');
                names[fields[0].Trim().Trim('"')] = fields[1].Trim().Trim('"');
            }
        }
        return names.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
