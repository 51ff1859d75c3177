using System.Diagnostics;
using System.Text.Json;
using JiaoLianTi.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// The OpenAPI documents a client is generated from pass a real linter (Redocly CLI, its recommended rules) with no
/// error: each service's, and the combined one the gateway serves. test.sh installs the linter (scripts/api-tools.sh).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiLintTests(EndToEndSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_OpenAPI_document_passes_the_linter_with_no_error()
    {
        var redocly = Environment.GetEnvironmentVariable("JLT_REDOCLY") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache/jiaolianti/tools/node_modules/.bin/redocly");
        Assert.True(File.Exists(redocly), $"the linter is not installed at {redocly}: run scripts/api-tools.sh (test.sh does)");
        var folder = Directory.CreateTempSubdirectory("jlt-openapi-");
        using var anonymous = system.Anonymous();
        var documents = new List<string>();
        foreach (var path in system.Running.Select(s => $"/api/{s}/openapi/v1.json").Append("/api/openapi.json"))
        {
            var file = Path.Combine(folder.FullName, path.Trim('/').Replace('/', '-'));
            await File.WriteAllTextAsync(file, await anonymous.GetStringAsync(path));
            documents.Add(file);
        }

        var problems = new List<JsonElement>();
        var stderr = new System.Text.StringBuilder();
        foreach (var document in documents)
        {
            var (report, error) = await Lint(redocly, document);
            problems.AddRange(report.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.Clone()));
            stderr.Append(error);
        }
        var errors = problems.Where(p => p.GetProperty("severity").GetString() == "error").ToList();
        output.WriteLine($"{documents.Count} documents: {errors.Count} errors, {problems.Count - errors.Count} warnings");
        foreach (var rule in problems.GroupBy(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}"))
        {
            output.WriteLine($"  {rule.Key}: {rule.Count()}");
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30).Select(e =>
            $"{e.GetProperty("ruleId")}: {e.GetProperty("message")} at {e.GetProperty("location")[0].GetProperty("pointer")} ({e.GetProperty("location")[0].GetProperty("source").GetProperty("ref")})"))
            + "\n" + stderr);
    }

    private static async Task<(JsonDocument Report, string Errors)> Lint(string redocly, string document)
    {
        var start = new ProcessStartInfo(redocly) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "lint", "--format=json", "--extends=recommended", document })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var lint = Process.Start(start)!;
        var stdout = lint.StandardOutput.ReadToEndAsync();
        var stderr = lint.StandardError.ReadToEndAsync();
        await lint.WaitForExitAsync();
        return (JsonDocument.Parse(await stdout), await stderr);
    }
}
