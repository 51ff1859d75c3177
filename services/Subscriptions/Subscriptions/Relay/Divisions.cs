using System.Collections.Concurrent;
using System.Reflection;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;

namespace JiaoLianTi.Subscriptions.Relay;

/// <summary>
/// The county an event concerns, for its routing key: the contract's own <c>CountyCode</c> (or <c>RegionCode</c>),
/// else the county of its school, unit or alliance as this service's replica of Alliances' facts knows it. A province
/// or city code is padded with zeros (<c>51</c> → <c>510000</c>), so only subscriptions of that province (city) see it.
/// An event none of these place has no division: it reaches no regional subscription.
/// </summary>
public static class Divisions
{
    private static readonly ConcurrentDictionary<Type, Func<object, Place>> Readers = new();

    public static async Task<string?> CountyOf(object contract, IQuerySession session, CancellationToken ct)
    {
        var place = Readers.GetOrAdd(contract.GetType(), Reader)(contract);
        if (place.Code is { } code && IsDivision(code))
        {
            return code.PadRight(6, '0');
        }
        foreach (var id in new[] { place.SchoolId, place.UnitId })
        {
            if (id is { } unitId && await session.LoadAsync<KnownUnit>(unitId, ct) is { CountyCode: { Length: 6 } county })
            {
                return county;
            }
        }
        if (place.AllianceId is { } allianceId && await session.LoadAsync<KnownAlliance>(allianceId, ct) is { CountyCode: { Length: 6 } c })
        {
            return c;
        }
        return null;
    }

    /// <summary>
    /// The school, unit or alliance whose replica document <see cref="CountyOf"/> will read for the event (the first it
    /// names), or null when the event carries its division itself.
    /// </summary>
    public static Guid? ReadsOf(object contract)
    {
        var place = Readers.GetOrAdd(contract.GetType(), Reader)(contract);
        return place.Code is { } code && IsDivision(code) ? null : place.SchoolId ?? place.UnitId ?? place.AllianceId;
    }

    private static bool IsDivision(string code) => code.Length is 2 or 4 or 6 && code.All(char.IsAsciiDigit);

    private sealed record Place(string? Code, Guid? SchoolId, Guid? UnitId, Guid? AllianceId);

    private static Func<object, Place> Reader(Type type)
    {
        var code = Property(type, "CountyCode") ?? Property(type, "RegionCode");
        var school = Property(type, "SchoolId");
        var unit = Property(type, "UnitId");
        var alliance = Property(type, "AllianceId");
        return contract => new Place(
            code?.GetValue(contract) as string, school?.GetValue(contract) as Guid?, unit?.GetValue(contract) as Guid?,
            alliance?.GetValue(contract) as Guid?);
    }

    private static PropertyInfo? Property(Type type, string name) => type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
}
