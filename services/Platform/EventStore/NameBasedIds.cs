using System.Security.Cryptography;
using System.Text;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>
/// Ids derived from what they stand for: a name-based UUID (version 5, RFC 9562) of a name under a scope. The same
/// name gives the same id, so a pure decider can name what it creates, a repeat (a redelivered message) names the
/// same stream, and a document is found from what it is about without a lookup table.
/// </summary>
public static class NameBasedIds
{
    public static Guid Create(Guid scope, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        scope.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
