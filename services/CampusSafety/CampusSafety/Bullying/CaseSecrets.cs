using System.Security.Cryptography;
using System.Text;
using JiaoLianTi.Platform.PersonalData;
using Marten;

namespace JiaoLianTi.CampusSafety.Bullying;

/// <summary>
/// The key that seals one case's narrative (summary, findings, measures). Kept in the personal-data vault, wrapped by
/// the master key, beside the append-only event store: deleting it erases the text for good (crypto-shredding,
/// docs/design.md 9 and 17), while the events stay. It is erased with the case, and with any child who is a party to
/// the case when that child's erasure is requested.
/// </summary>
public sealed record CaseKey(Guid Id, byte[] Key)
{
    public static CaseKey New(Guid caseId) => new(caseId, RandomNumberGenerator.GetBytes(32));

    /// <summary>The case's key from the vault, or null once it is erased.</summary>
    public static async Task<CaseKey?> LoadAsync(IQuerySession session, IMasterKey master, Guid caseId, CancellationToken ct) =>
        await PersonalDataVault.LoadKeyAsync(session, master, caseId, ct) is { } key ? new CaseKey(caseId, key) : null;

    /// <summary>Stages the key in the vault (wrapped), in the session that starts the case.</summary>
    public void Store(IDocumentSession session, IMasterKey master, DateTimeOffset now) =>
        session.Insert(PersonalDataVault.Wrap(master, Id, Id, Key, now));
}

/// <summary>AES-GCM sealing of a case's free text: <c>v1:</c> + base64(nonce | tag | ciphertext), the case id as associated data.</summary>
public static class CaseCipher
{
    private const string Prefix = "v1:";

    public static string Seal(CaseKey key, string plain) =>
        Prefix + Convert.ToBase64String(Aead.Encrypt(key.Key, Encoding.UTF8.GetBytes(plain), key.Id.ToByteArray()));

    /// <summary>The text, or null once the key is erased (or the text was never sealed with it).</summary>
    public static string? Open(CaseKey? key, string? sealedText)
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

/// <summary>
/// CampusSafety's part of a child's erasure: the narrative of every bullying case the child is a party to is erased
/// (its key destroyed). The case, its parties' opaque ids, its status and every recorded read stay.
/// </summary>
public sealed class ErasePartyCases : IChildErasureHook
{
    public async Task ErasingAsync(JiaoLianTi.Wellbeing.Contracts.ChildErasureRequested request, IDocumentSession session, CancellationToken ct)
    {
        var cases = await session.Query<BullyingCase>()
            .Where(c => c.Parties.Any(p => p.StudentId == request.StudentId))
            .Select(c => c.Id)
            .ToListAsync(ct);
        foreach (var caseId in cases)
        {
            PersonalDataVault.EraseKey(session, caseId);
        }
    }
}
