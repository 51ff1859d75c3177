namespace JiaoLianTi.Platform.Messaging;

/// <summary>A message this service has applied, stored in the same transaction as the message's effect.</summary>
public sealed class ProcessedMessage
{
    public Guid Id { get; set; }
    public string MessageType { get; set; } = "";
    public DateTimeOffset ProcessedAt { get; set; }
}
