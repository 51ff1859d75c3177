using System.Security.Cryptography;
using System.Text.Json;
using Marten;

namespace JiaoLianTi.Platform.PersonalData;

/// <summary>
/// 数据密钥: a data key of one person (a child). Usually one per person (key id = the person's opaque id); a service may
/// keep more than one per person (Wellbeing: one per record, plan and referral), all erased with the person. Stored in
/// its own table, never in an event, wrapped by the master key. Deleting the row is crypto-shredding: every value
/// sealed with it can no longer be read, while the event streams stay intact.
/// </summary>
public sealed class PersonKey
{
    public Guid Id { get; set; }
    /// <summary>Whose key it is: erasing the person deletes every key of theirs.</summary>
    public Guid PersonId { get; set; }
    /// <summary>nonce | tag | AES-256-GCM(master key, data key, associated data = key id), base64.</summary>
    public string Wrapped { get; set; } = "";
    /// <summary>The master key that wrapped it (<see cref="IMasterKey.Id"/>).</summary>
    public string MasterKeyId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A personal value as it is stored: AES-256-GCM under a data key, base64 (nonce | tag | ciphertext).</summary>
public sealed record Sealed(Guid KeyId, string Cipher);

/// <summary>
/// 个人数据保险箱: seals and opens a person's personal fields with that person's own data keys (docs/design.md 17),
/// with the key id as associated data so that a ciphertext cannot be moved to another person. Written once for every
/// service that keeps a minor's name, birth date, class, free text about a child or a guardian's contact.
/// </summary>
public static class PersonalDataVault
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A fresh data key for <paramref name="keyId"/>, and its wrapped form to store with the events that use it.</summary>
    public static (byte[] Key, PersonKey Stored) NewKey(IMasterKey master, Guid keyId, Guid personId, DateTimeOffset now)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (key, Wrap(master, keyId, personId, key, now));
    }

    /// <summary>A data key in its stored form: wrapped by the master key, with the key id as associated data.</summary>
    public static PersonKey Wrap(IMasterKey master, Guid keyId, Guid personId, byte[] key, DateTimeOffset now) => new()
    {
        Id = keyId, PersonId = personId, CreatedAt = now, MasterKeyId = master.Id,
        Wrapped = Convert.ToBase64String(master.Wrap(key, keyId.ToByteArray())),
    };

    /// <summary>
    /// The person's own data key (key id = person id) for sealing a new value: loaded, or created and staged in the
    /// session, so that it commits with the events that use it.
    /// </summary>
    public static async Task<byte[]> KeyOfPersonAsync(
        IDocumentSession session, IMasterKey master, Guid personId, DateTimeOffset now, CancellationToken ct)
    {
        if (await LoadKeyAsync(session, master, personId, ct) is { } key)
        {
            return key;
        }
        var (fresh, stored) = NewKey(master, personId, personId, now);
        session.Insert(stored);
        return fresh;
    }

    /// <summary>
    /// The person's own data key, created and committed on its own when missing: for writers that append in a session
    /// of their own (Activities' group commit). A key without the value it was made for is harmless.
    /// </summary>
    public static async Task<byte[]> EnsureKeyOfPersonAsync(
        IDocumentStore store, IMasterKey master, Guid personId, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession();
            if (await LoadKeyAsync(session, master, personId, ct) is { } key)
            {
                return key;
            }
            var (fresh, stored) = NewKey(master, personId, personId, now);
            session.Insert(stored);
            try
            {
                await session.SaveChangesAsync(ct);
                return fresh;
            }
            catch (JasperFx.DocumentAlreadyExistsException) when (attempt < 3)
            {
                // Another request made the person's key at the same moment: use theirs.
            }
        }
    }

    /// <summary>The data key of <paramref name="keyId"/>, or null once it was erased.</summary>
    public static async Task<byte[]?> LoadKeyAsync(IQuerySession session, IMasterKey master, Guid keyId, CancellationToken ct)
    {
        var stored = await session.LoadAsync<PersonKey>(keyId, ct);
        return stored is null ? null : Unwrap(master, stored);
    }

    /// <summary>The data keys of many (a list to show): the erased ones are missing from the answer.</summary>
    public static async Task<IReadOnlyDictionary<Guid, byte[]>> LoadKeysAsync(
        IQuerySession session, IMasterKey master, IEnumerable<Guid> keyIds, CancellationToken ct)
    {
        var ids = keyIds.Distinct().ToArray();
        if (ids.Length == 0)
        {
            return new Dictionary<Guid, byte[]>();
        }
        return (await session.LoadManyAsync<PersonKey>(ct, ids)).ToDictionary(k => k.Id, k => Unwrap(master, k));
    }

    public static byte[] Unwrap(IMasterKey master, PersonKey stored) =>
        master.Unwrap(Convert.FromBase64String(stored.Wrapped), stored.Id.ToByteArray())
        ?? throw new CryptographicException("A data key does not open with the master key.");

    /// <summary>Crypto-shredding: deletes every data key of the person. Staged in the session.</summary>
    public static void EraseKeysOf(IDocumentSession session, Guid personId) =>
        session.DeleteWhere<PersonKey>(k => k.PersonId == personId);

    public static void EraseKey(IDocumentSession session, Guid keyId) => session.Delete<PersonKey>(keyId);

    public static Sealed Seal<T>(byte[] key, Guid keyId, T value) =>
        new(keyId, Convert.ToBase64String(Aead.Encrypt(key, JsonSerializer.SerializeToUtf8Bytes(value, Json), keyId.ToByteArray())));

    public static Sealed? SealText(byte[] key, Guid keyId, string? text) =>
        string.IsNullOrEmpty(text) ? null : Seal(key, keyId, text);

    /// <summary>Opens a sealed value, or default when the key is gone (erased) or the value absent.</summary>
    public static T? Open<T>(byte[]? key, Sealed? value)
    {
        if (key is null || value is null)
        {
            return default;
        }
        var plain = Aead.Decrypt(key, Convert.FromBase64String(value.Cipher), value.KeyId.ToByteArray());
        return plain is null ? default : JsonSerializer.Deserialize<T>(plain, Json);
    }

    /// <summary>Opens a sealed value with the key of its own id among <paramref name="keys"/> (from <see cref="LoadKeysAsync"/>).</summary>
    public static T? Open<T>(IReadOnlyDictionary<Guid, byte[]> keys, Sealed? value) =>
        value is null ? default : Open<T>(keys.GetValueOrDefault(value.KeyId), value);
}
