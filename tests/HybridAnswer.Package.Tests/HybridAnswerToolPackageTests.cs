using System.Text.Json;

namespace HybridAnswer.Package.Tests;

/// <summary>The HybridAnswer.Cli package as a dotnet tool: installed from the feed, it answers from its bundled samples.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed class HybridAnswerToolPackageTests(LocalFeedFixture feed, ITestOutputHelper log)
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Tool_InstalledFromFeed_AnswersFromBundledSamplesWithCitation()
    {
        var work = Directory.CreateDirectory(Path.Combine(feed.WorkRoot, "tool")).FullName;
        var toolPath = Path.Combine(work, "bin");
        feed.WriteNuGetConfig(work);

        var install = (await ProcessRunner.RunAsync("dotnet",
            ["tool", "install", "HybridAnswer.Cli", "--version", feed.Version, "--tool-path", toolPath, "--configfile", Path.Combine(work, "nuget.config")],
            work, InstallTimeout)).AssertSucceeded();
        foreach (var timing in feed.PackTimings)
        {
            log.WriteLine(timing);
        }

        log.WriteLine($"tool install: {install.Elapsed.TotalSeconds:0.0} s");

        // Installed, the platform's package only: it was 839 MB with every platform's runtimes, Microsoft.ML and SentenceTransformers.
        // The tool store also keeps the .nupkg it installed from: counted in the total, not in what the tool itself is made of.
        var files = new DirectoryInfo(toolPath).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
        var installed = files.Sum(f => f.Length);
        var unpacked = files.Where(f => !f.Name.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase)).Sum(f => f.Length);
        log.WriteLine($"tool installed: {installed / 1_000_000.0:0.0} MB, of which unpacked {unpacked / 1_000_000.0:0.0} MB");
        Assert.True(unpacked < 150_000_000, $"the installed tool's files take {unpacked:N0} bytes");
        Assert.True(installed < 250_000_000, $"the installed tool takes {installed:N0} bytes with its package");

        // Run from a folder with no documents: the answer can only come from the samples inside the package.
        var ask = (await ProcessRunner.RunAsync(Path.Combine(toolPath, OperatingSystem.IsWindows() ? "hybrid-answer.exe" : "hybrid-answer"),
            ["ask", "How many days do I have to return an item?", "--filter", "status=published", "--json"],
            work, AskTimeout)).AssertSucceeded();
        log.WriteLine(ask.StandardOutput);

        using var json = JsonDocument.Parse(ask.StandardOutput);
        var root = json.RootElement;
        Assert.True(root.GetProperty("answered").GetBoolean(), ask.Describe("did not answer"));
        Assert.Contains("30 days", root.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citations = root.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        Assert.Contains(citations, c => c.GetProperty("documentId").GetString() == "policies/returns");
    }
}
