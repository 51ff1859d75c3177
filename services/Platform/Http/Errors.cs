namespace JiaoLianTi.Platform.Http;

/// <summary>A business rule refused the command (409). <paramref name="Code"/> is stable for clients.</summary>
public class RuleViolation(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The thing does not exist, or the caller may not know it exists (404).</summary>
public class NotFoundException(string message) : Exception(message);

/// <summary>The caller is known but may not do this (403).</summary>
public class ForbiddenException(string message) : Exception(message);

/// <summary>Input that fails validation (400), field by field.</summary>
public class ValidationFailed(IDictionary<string, string[]> errors) : Exception("One or more fields are invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
