using System.Security.Cryptography;
using System.Text;

namespace JiaoLianTi.CampusSafety.Bullying;

/// <summary>
/// The key that seals one case's narrative (summary, findings, measures). Kept as a document beside the append-only
/// event store: deleting it erases the text for good (crypto-shredding, docs/design.md 9), while the events stay.
/// </summary>
public sealed class CaseKey
{
    public Guid Id { get; set; }
    public byte[] Key { get; set; } = [];

    public static CaseKey New(Guid caseId) => new() { Id = caseId, Key = RandomNumberGenerator.GetBytes(32) };
}

/// <summary>AES-GCM sealing of a case's free text: <c>v1:</c> + base64(nonce | tag | ciphertext).</summary>
public static class CaseCipher
{
    private const string Prefix = "v1:";

    public static string Seal(CaseKey key, string plain)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var input = Encoding.UTF8.GetBytes(plain);
        var output = new byte[input.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(key.Key, tag.Length);
        aes.Encrypt(nonce, input, output, tag, key.Id.ToByteArray());
        return Prefix + Convert.ToBase64String([.. nonce, .. tag, .. output]);
    }

    /// <summary>The text, or null once the key is erased (or the text was never sealed with it).</summary>
    public static string? Open(CaseKey? key, string? sealedText)
    {
        if (key is null || sealedText is null || !sealedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            var all = Convert.FromBase64String(sealedText[Prefix.Length..]);
            var nonce = all.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
            var tag = all.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
            var cipher = all.AsSpan(nonce.Length + tag.Length);
            var plain = new byte[cipher.Length];
            using var aes = new AesGcm(key.Key, tag.Length);
            aes.Decrypt(nonce, cipher, tag, plain, key.Id.ToByteArray());
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }
}
