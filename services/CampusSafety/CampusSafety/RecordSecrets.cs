using System.Security.Cryptography;
using System.Text;
using JiaoLianTi.Platform.PersonalData;
using Marten;

namespace JiaoLianTi.CampusSafety;

/// <summary>
/// The key that seals one record's free text: a bullying case's narrative (summary, findings, measures), a hazard
/// report's description (which may name children). Kept in the personal-data vault under the record's id, wrapped by
/// the master key, beside the append-only event store: deleting it erases the text for good (crypto-shredding,
/// docs/design.md 9 and 17), while the events stay. A case's key is erased with the case, and with any child who is a
/// party to it when that child's erasure is requested; a report's when its description is erased.
/// </summary>
public sealed record RecordKey(Guid Id, byte[] Key)
{
    public static RecordKey New(Guid recordId) => new(recordId, RandomNumberGenerator.GetBytes(32));

    /// <summary>The record's key from the vault, or null once it is erased.</summary>
    public static async Task<RecordKey?> LoadAsync(IQuerySession session, IMasterKey master, Guid recordId, CancellationToken ct) =>
        await PersonalDataVault.LoadKeyAsync(session, master, recordId, ct) is { } key ? new RecordKey(recordId, key) : null;

    /// <summary>Stages the key in the vault (wrapped), in the session that starts the record.</summary>
    public void Store(IDocumentSession session, IMasterKey master, DateTimeOffset now) =>
        session.Insert(PersonalDataVault.Wrap(master, Id, Id, Key, now));
}

/// <summary>AES-GCM sealing of a record's free text: <c>v1:</c> + base64(nonce | tag | ciphertext), the record's id as associated data.</summary>
public static class RecordCipher
{
    private const string Prefix = "v1:";

    /// <summary>Whether the text was sealed (a record stored before sealing holds it plain).</summary>
    public static bool IsSealed(string? text) => text?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public static string Seal(RecordKey key, string plain) =>
        Prefix + Convert.ToBase64String(Aead.Encrypt(key.Key, Encoding.UTF8.GetBytes(plain), key.Id.ToByteArray()));

    /// <summary>The text, or null once the key is erased (or the text was never sealed with it).</summary>
    public static string? Open(RecordKey? key, string? sealedText)
    {
        if (key is null || sealedText is null || !sealedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            var plain = Aead.Decrypt(key.Key, Convert.FromBase64String(sealedText[Prefix.Length..]), key.Id.ToByteArray());
            return plain is null ? null : Encoding.UTF8.GetString(plain);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
