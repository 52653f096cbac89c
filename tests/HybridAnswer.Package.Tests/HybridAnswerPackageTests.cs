using System.Text.RegularExpressions;

namespace HybridAnswer.Package.Tests;

/// <summary>The HybridAnswer package as a host app takes it: PackageReference from a feed, AddHybridAnswering, its own IChatClient.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed partial class HybridAnswerPackageTests(LocalFeedFixture feed, ITestOutputHelper log)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task HostApp_PackageReferenceWithOwnChatClient_AnswersInAllThreeModes()
    {
        var host = Directory.CreateDirectory(Path.Combine(feed.WorkRoot, "host")).FullName;
        var template = Path.Combine(AppContext.BaseDirectory, "HostApp");
        foreach (var file in new[] { "Program.cs", "EchoChatClient.cs", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(template, file), Path.Combine(host, file), overwrite: true);
        }

        File.WriteAllText(Path.Combine(host, "HostApp.csproj"), File.ReadAllText(Path.Combine(template, "HostApp.csproj"))
            .Replace("{{HybridAnswerVersion}}", feed.Version, StringComparison.Ordinal)
            .Replace("{{DependencyInjectionVersion}}", RepositoryLayout.PackageVersion("Microsoft.Extensions.DependencyInjection"), StringComparison.Ordinal));
        feed.WriteNuGetConfig(host);

        var run = (await ProcessRunner.RunAsync("dotnet", ["run", "--project", Path.Combine(host, "HostApp.csproj")], host, RunTimeout)).AssertSucceeded();
        foreach (var timing in feed.PackTimings)
        {
            log.WriteLine(timing);
        }

        log.WriteLine($"restore + build + run of the host app: {run.Elapsed.TotalSeconds:0.0} s");
        log.WriteLine(run.StandardOutput);

        var lines = AnswerLine().Matches(run.StandardOutput).ToDictionary(m => m.Groups["mode"].Value);
        Assert.True(lines.Count == 3, run.Describe("printed other than three answers"));
        Assert.Contains("ingested=2", run.StandardOutput, StringComparison.Ordinal);

        var rag = lines["Rag"];
        Assert.Equal("host-base-model", rag.Groups["model"].Value);
        Assert.StartsWith("From the docs (model host-base-model)", rag.Groups["text"].Value, StringComparison.Ordinal);
        Assert.Equal("True", rag.Groups["answered"].Value);
        Assert.Equal("1", rag.Groups["citations"].Value);
        Assert.Equal("returns", rag.Groups["cited"].Value);

        var fineTuned = lines["FineTuned"];
        Assert.Equal("ft:gpt-4o-mini:host::pkgtest", fineTuned.Groups["model"].Value);
        Assert.StartsWith("From my training (model ft:gpt-4o-mini:host::pkgtest)", fineTuned.Groups["text"].Value, StringComparison.Ordinal);
        Assert.Equal("True", fineTuned.Groups["answered"].Value);
        Assert.Equal("0", fineTuned.Groups["citations"].Value);

        var hybrid = lines["Hybrid"];
        Assert.Equal("ft:gpt-4o-mini:host::pkgtest", hybrid.Groups["model"].Value);
        Assert.StartsWith("From the docs (model ft:gpt-4o-mini:host::pkgtest)", hybrid.Groups["text"].Value, StringComparison.Ordinal);
        Assert.Equal("True", hybrid.Groups["answered"].Value);
        Assert.Equal("1", hybrid.Groups["citations"].Value);
        Assert.Equal("returns", hybrid.Groups["cited"].Value);
    }

    [GeneratedRegex(@"^mode=(?<mode>\w+) model=(?<model>\S*) answered=(?<answered>\w+) citations=(?<citations>\d+) cited=(?<cited>\S*) text=(?<text>.*?)\r?$", RegexOptions.Multiline)]
    private static partial Regex AnswerLine();
}
