using System.Security.Cryptography;
using System.Text;

namespace JiaoLianTi.CampusSafety;

/// <summary>Ids derived from what they stand for, so that a pure decider can name them and a repeat names the same one.</summary>
public static class Ids
{
    public static Guid Derived(string name, params Guid[] parts)
    {
        var text = name + ":" + string.Join(":", parts.Select(p => p.ToString("N")));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new Guid(hash.AsSpan(0, 16));
    }
}
