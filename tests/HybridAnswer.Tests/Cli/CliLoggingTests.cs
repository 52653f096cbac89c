using System.Diagnostics;
using System.Text.Json;

namespace HybridAnswer.Tests.Cli;

/// <summary>
/// The tool as a user runs it (its own process, the real console): the library's warnings reach stderr, at Warning and above by
/// default and down to Debug with <c>--verbose</c>, and stdout stays the answer alone (<c>--json</c> parses).
/// </summary>
public sealed class CliLoggingTests : IDisposable
{
    // Longer than MiniLM's 256 word pieces, shorter than the 2,000-character question limit: the query embedding is truncated,
    // which MiniLM reports as warning 4001.
    private static readonly string LongQuestion = "How long is the warranty " + string.Concat(Enumerable.Repeat("of the kettle ", 130)) + "?";

    private readonly string _docs = Directory.CreateTempSubdirectory("hybridanswer-cli-logging-").FullName;

    public CliLoggingTests() => File.WriteAllText(Path.Combine(_docs, "kettle.md"), "# Kettle\n\nThe kettle has a two-year warranty.\n");

    [Fact]
    public async Task Ask_TruncatedQuestion_WarningOnStderr_JsonOnStdoutParses()
    {
        var (exit, output, error) = await RunAsync("ask", LongQuestion, "--docs", _docs, "--json", "--no-embedding-cache");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.TryGetProperty("answer", out _), output);
        Assert.Contains("warn: HybridAnswer.Embeddings.MiniLM.MiniLMEmbeddingGenerator[4001]", error, StringComparison.Ordinal);
        Assert.Contains("were truncated", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[4002]", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", error, StringComparison.Ordinal); // no colour codes in a redirected stream
    }

    [Fact]
    public async Task Ask_Verbose_DebugMessagesOnStderr_StdoutUnchanged()
    {
        var (exit, output, error) = await RunAsync("ask", "How long is the kettle warranty?", "--docs", _docs, "--json", "--no-embedding-cache", "--verbose");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Contains("two-year warranty", json.RootElement.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Contains("dbug: HybridAnswer.Embeddings.MiniLM.MiniLMEmbeddingGenerator[4002]", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_docs, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "hybrid-answer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references the CLI.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
