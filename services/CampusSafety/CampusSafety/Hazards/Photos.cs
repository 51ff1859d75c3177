namespace JiaoLianTi.CampusSafety.Hazards;

/// <summary>A photo's bytes, kept in CampusSafety's own database beside the report (never on a shared disk).</summary>
public sealed class HazardPhoto
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public string ContentType { get; set; } = "";
    public byte[] Content { get; set; } = [];
}

/// <summary>What a photo is, told by its first bytes (magic numbers), never by its name or declared type.</summary>
public static class PhotoTypes
{
    /// <summary>Largest photo accepted, in bytes (<c>CampusSafety:MaxPhotoBytes</c>).</summary>
    public const int DefaultMaxBytes = 2 * 1024 * 1024;

    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
        {
            return "image/jpeg";
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }
        if (content.Length >= 12 && content[..4].SequenceEqual("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }
        return null;
    }
}
