namespace JiaoLianTi.Platform.Http;

/// <summary>Collects field errors of one request, then throws them all at once as a 400.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public Validation Required(string field, string? value)
        => Check(!string.IsNullOrWhiteSpace(value), field, "必填 / is required");

    public Validation Required<T>(string field, T? value) where T : struct
        => Check(value.HasValue, field, "必填 / is required");

    public Validation MaxLength(string field, string? value, int max)
        => Check(value is null || value.Length <= max, field, $"不得超过 {max} 个字符 / must be at most {max} characters");

    public Validation Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }
        return this;
    }

    public bool IsValid => errors.Count == 0;

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ValidationFailed(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }
}
