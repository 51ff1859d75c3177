namespace JiaoLianTi.Console.Api;

// The few answers the console reads field by field (docs/alliances.md); lists are read as JSON (J).

/// <summary><c>GET /api/alliances/coverage</c>.</summary>
public sealed record CoverageReport(
    string Region, string RegionName, DateTimeOffset AsOf, int Counties, int EstablishedCounties, double Coverage,
    IReadOnlyList<CoverageTarget> Targets, IReadOnlyList<CountyCoverage> Rows);

public sealed record CoverageTarget(DateOnly By, double Share, bool Met);

public sealed record CountyCoverage(
    string CountyCode, string CountyName, string CityCode, string CityName, string? RegionalAllianceStatus,
    bool Established, int SchoolAlliances, int Members, IReadOnlyDictionary<string, int>? MembersByKind,
    int Resources, int OpenNeeds, int OverdueResponsibilities);

/// <summary>One choice of a picker: the id sent to the API, the name shown, and a hint (kind, county).</summary>
public sealed record PickerOption(string Id, string Label, string? Hint);
