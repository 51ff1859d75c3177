using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace JiaoLianTi.Platform.PersonalData;

/// <summary>
/// 主密钥: the key that wraps every person's data key (docs/design.md 17). It never touches a data value itself. In
/// production it lives in a key-management service: implement this interface with the KMS's wrap and unwrap (encrypt
/// and decrypt of a 32-byte data key, the key id as context) and register it before <c>AddPersonalDataVault</c>; the
/// vault then never holds the master key, only the data keys it unwraps for one request.
/// </summary>
public interface IMasterKey
{
    /// <summary>Names the master key a data key was wrapped by (stored beside it, so that keys can be rotated).</summary>
    string Id { get; }

    byte[] Wrap(byte[] dataKey, byte[] associated);

    /// <summary>The data key, or null when the wrapped bytes do not open with this master key.</summary>
    byte[]? Unwrap(byte[] wrapped, byte[] associated);
}

/// <summary>
/// The master key from configuration: <c>PersonalData:MasterKey</c>, 32 bytes in base64, from the deployment's secret
/// store. Local runs and tests set a development key (each service's <c>appsettings.Development.json</c>, TestKit); there
/// is no key in the code, and a service without one does not start.
/// </summary>
public sealed class ConfiguredMasterKey : IMasterKey
{
    public const string Setting = "PersonalData:MasterKey";
    private readonly byte[] key;

    public ConfiguredMasterKey(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new InvalidOperationException($"{Setting} must be 32 bytes (AES-256), in base64.");
        }
        this.key = key;
        Id = "config:" + Convert.ToHexString(SHA256.HashData(key))[..12].ToLowerInvariant();
    }

    public string Id { get; }

    public static ConfiguredMasterKey From(IConfiguration configuration)
    {
        var text = configuration[Setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException(
                $"{Setting} is not set. It must come from the secret store (32 bytes, base64); local runs set a development key in appsettings.Development.json.");
        }
        return new ConfiguredMasterKey(Convert.FromBase64String(text));
    }

    public byte[] Wrap(byte[] dataKey, byte[] associated) => Aead.Encrypt(key, dataKey, associated);

    public byte[]? Unwrap(byte[] wrapped, byte[] associated) => Aead.Decrypt(key, wrapped, associated);
}

/// <summary>AES-256-GCM as the vault uses it: nonce (12) | tag (16) | ciphertext.</summary>
public static class Aead
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Encrypt(byte[] key, byte[] plain, byte[] associated)
    {
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associated);
        return output;
    }

    /// <summary>Null when the ciphertext does not open with this key (tampered, moved, or the wrong key).</summary>
    public static byte[]? Decrypt(byte[] key, byte[] sealedBytes, byte[] associated)
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
}
