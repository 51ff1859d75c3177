using System.Security.Cryptography;
using System.Text;

namespace JiaoLianTi.Subscriptions.Webhooks;

/// <summary>
/// Standard Webhooks (standardwebhooks.com) signing: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of
/// "{webhook-id}.{webhook-timestamp}.{body}"&gt;</c>, keyed with the secret's bytes (the base64 after <c>whsec_</c>).
/// During a rotation both the new and the previous secret sign, space-separated.
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "whsec_";

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        var head = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[head.Length + body.Length];
        head.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(head.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>True when one of the signatures in the header is the one <paramref name="secret"/> makes.</summary>
    public static bool Verify(string secret, string id, long timestamp, ReadOnlySpan<byte> body, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, timestamp, body));
        foreach (var signature in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), expected))
            {
                return true;
            }
        }
        return false;
    }
}
