using System.Security.Cryptography;
using System.Text;

namespace JiaoLianTi.CampusSafety.Bullying;

/// <summary>
/// 回执码: every report's reporter gets a random code (100 bits, 20 characters of Crockford base32, shown once in the
/// answer to the report). Only its SHA-256 is stored, on the case; whoever holds the code follows the case's status,
/// so that an anonymous reporter can follow it without being known.
/// </summary>
public static class Receipts
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 20;

    public static string NewCode()
    {
        var bytes = RandomNumberGenerator.GetBytes(Length);
        return string.Create(Length, bytes, (span, b) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[b[i] & 31];
            }
        });
    }

    /// <summary>The stored form of a code (upper-cased, dashes and spaces ignored).</summary>
    public static string Hash(string code)
    {
        var normal = new string(code.Where(ch => ch is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        return Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(normal)));
    }

    public static bool LooksLikeCode(string? code) =>
        code is not null && code.Count(ch => ch is not ('-' or ' ')) == Length
        && code.Where(ch => ch is not ('-' or ' ')).All(ch => Alphabet.Contains(char.ToUpperInvariant(ch)));
}
