using System.Globalization;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// 小数抑制: figures about children shown to authorities never single a child out. A count from 1 to 4 is shown as
/// "&lt;5"; none is "0"; 5 and more as the number. Every service shows its counts through this one rule.
/// </summary>
public static class SmallCounts
{
    public const int Threshold = 5;

    public static string Show(int count) =>
        count is > 0 and < Threshold ? $"<{Threshold}" : count.ToString(CultureInfo.InvariantCulture);
}
