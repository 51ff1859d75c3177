using System.Security.Cryptography;
using System.Text;

namespace JiaoLianTi.ParentSchool.Parents;

/// <summary>
/// A parent's opaque id: a name-based UUID (version 5, RFC 9562) of the token subject. Deterministic, so no mapping
/// table is needed and no subject ever appears in an event or a contract. The enrolment id is derived the same way
/// from (parent, course), so the hot path finds a parent's enrolment without a lookup.
/// </summary>
public static class ParentIds
{
    private static readonly Guid Namespace = new("5b0c3f3e-8a8e-4c1e-9d0f-6a1f0e2b7c41");

    public static Guid Of(string subject) => NameBased(Namespace, "parent:" + subject);

    public static Guid EnrolmentOf(Guid parentId, Guid courseId) => NameBased(Namespace, $"enrolment:{parentId:N}:{courseId:N}");

    public static Guid NameBased(Guid ns, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
