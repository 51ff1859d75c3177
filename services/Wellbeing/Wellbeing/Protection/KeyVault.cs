using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;

namespace JiaoLianTi.Wellbeing.Protection;

/// <summary>
/// A data key of one child's record (the child record itself, or one support plan or referral of that child). Stored
/// in its own table (<c>mt_doc_childkey</c>), never in an event, and itself encrypted ("wrapped") by the master key from
/// configuration. Deleting the row is crypto-shredding: every field sealed with it can no longer be read, while the
/// event streams stay intact.
/// </summary>
public sealed class ChildKey
{
    /// <summary>The key's id: the student id for the child record, the plan id or referral id for those.</summary>
    public Guid Id { get; set; }
    /// <summary>Whose key it is: erasing a child deletes every key of that child.</summary>
    public Guid StudentId { get; set; }
    /// <summary>nonce | tag | AES-256-GCM(master key, data key), base64.</summary>
    public string Wrapped { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The master key that wraps every child's data key: <c>Wellbeing:MasterKey</c>, 32 bytes in base64, from the
/// deployment's secret store (never from appsettings.json). In Development only, a fixed development key is used when
/// none is configured; outside Development a missing key stops the service from starting.
/// </summary>
public sealed class MasterKey
{
    private const string DevelopmentKey = "ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYiE="; // "development-only-master-key-32b!"
    internal byte[] Bytes { get; }

    public MasterKey(byte[] bytes)
    {
        if (bytes.Length != 32)
        {
            throw new InvalidOperationException("Wellbeing:MasterKey must be 32 bytes (AES-256), in base64.");
        }
        Bytes = bytes;
    }

    public static MasterKey From(IConfiguration configuration, IHostEnvironment environment)
    {
        var text = configuration["Wellbeing:MasterKey"];
        if (string.IsNullOrEmpty(text))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Wellbeing:MasterKey is not set. Outside Development it must come from the secret store (32 bytes, base64).");
            }
            text = DevelopmentKey;
        }
        return new MasterKey(Convert.FromBase64String(text));
    }
}

/// <summary>Personal fields as they are stored: AES-256-GCM under a child's data key, base64 (nonce | tag | ciphertext).</summary>
public sealed record Sealed(Guid KeyId, string Cipher);

/// <summary>
/// Seals and opens a child's personal fields with that child's own data keys (AES-GCM, System.Security.Cryptography),
/// with the key id as associated data so a ciphertext cannot be moved to another record.
/// </summary>
public static class KeyVault
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>A fresh data key for <paramref name="keyId"/>, and its wrapped form to store (with the events that use it).</summary>
    public static (byte[] Key, ChildKey Stored) NewKey(MasterKey master, Guid keyId, Guid studentId, DateTimeOffset now)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (key, new ChildKey
        {
            Id = keyId, StudentId = studentId, CreatedAt = now,
            Wrapped = Convert.ToBase64String(Encrypt(master.Bytes, key, keyId.ToByteArray())),
        });
    }

    /// <summary>The data key of <paramref name="keyId"/>, or null once it was erased.</summary>
    public static async Task<byte[]?> LoadKeyAsync(IQuerySession session, MasterKey master, Guid keyId, CancellationToken ct)
    {
        var stored = await session.LoadAsync<ChildKey>(keyId, ct);
        return stored is null ? null : Unwrap(master, stored);
    }

    public static byte[] Unwrap(MasterKey master, ChildKey stored) =>
        Decrypt(master.Bytes, Convert.FromBase64String(stored.Wrapped), stored.Id.ToByteArray())
        ?? throw new CryptographicException("A child's data key does not open with the master key.");

    /// <summary>Crypto-shredding: deletes every data key of the child (record, plans, referrals). Staged in the session.</summary>
    public static void EraseKeysOf(IDocumentSession session, Guid studentId) =>
        session.DeleteWhere<ChildKey>(k => k.StudentId == studentId);

    public static void EraseKey(IDocumentSession session, Guid keyId) => session.Delete<ChildKey>(keyId);

    public static Sealed Seal<T>(byte[] key, Guid keyId, T value) =>
        new(keyId, Convert.ToBase64String(Encrypt(key, JsonSerializer.SerializeToUtf8Bytes(value, Json), keyId.ToByteArray())));

    public static Sealed? SealText(byte[] key, Guid keyId, string? text) =>
        string.IsNullOrEmpty(text) ? null : Seal(key, keyId, text);

    /// <summary>Opens a sealed value, or default when the key is gone (erased) or the value absent.</summary>
    public static T? Open<T>(byte[]? key, Sealed? value)
    {
        if (key is null || value is null)
        {
            return default;
        }
        var plain = Decrypt(key, Convert.FromBase64String(value.Cipher), value.KeyId.ToByteArray());
        return plain is null ? default : JsonSerializer.Deserialize<T>(plain, Json);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static byte[] Encrypt(byte[] key, byte[] plain, byte[] associated)
    {
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associated);
        return output;
    }

    /// <summary>Null when the ciphertext does not open with this key (tampered, or the wrong key).</summary>
    internal static byte[]? Decrypt(byte[] key, byte[] sealedBytes, byte[] associated)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return null;
        }
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize),
                sealedBytes.AsSpan(NonceSize, TagSize), plain, associated);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
