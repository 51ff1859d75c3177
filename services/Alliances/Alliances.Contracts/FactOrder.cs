namespace JiaoLianTi.Alliances.Contracts;

/// <summary>
/// 事实顺序: how a consumer orders Alliances' facts that may overtake each other on the way (two replicas, a retry,
/// a redelivery). Every fact about one alliance (its lifecycle and its memberships), one resource or one member unit
/// carries <c>Version</c>: the version of the event in that alliance's, resource's or unit's stream in Alliances, set
/// by Alliances' publisher. Of two facts about the same thing the one with the higher version is the newer, whatever
/// the order they arrive in. Messages from before the field existed carry null: then the fact's own time decides.
/// Added in contract version 2, as an optional member (docs/design.md 16).
/// </summary>
public static class FactOrder
{
    /// <summary>
    /// True when a fact (<paramref name="version"/>, <paramref name="at"/>) is newer than what the consumer holds
    /// (<paramref name="heldVersion"/>, <paramref name="heldAt"/>; version 0 when unknown). Versions decide when both
    /// sides have one; otherwise the times do, and at the same time a fact that ends something (<paramref name="ends"/>:
    /// a unit left, an alliance dissolved, a resource withdrawn) wins over one that begins it.
    /// </summary>
    public static bool IsNewer(long? version, DateTimeOffset at, long heldVersion, DateTimeOffset? heldAt, bool ends = false)
    {
        if (heldAt is null && heldVersion == 0)
        {
            return true;
        }
        if (version is { } v && v > 0 && heldVersion > 0)
        {
            return v > heldVersion;
        }
        var held = heldAt ?? DateTimeOffset.MinValue;
        return at > held || (ends && at == held);
    }
}
