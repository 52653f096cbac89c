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
        var host = CreateHost("host", "HostApp", "Program.cs", "EchoChatClient.cs");
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

        // The core package answers without PostgreSQL, so it must not bring Npgsql into a host's dependency graph.
        var assets = File.ReadAllText(Path.Combine(host, "obj", "project.assets.json"));
        Assert.Contains($"\"HybridAnswer/{feed.Version}\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", assets, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Pgvector", assets, StringComparison.OrdinalIgnoreCase);

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

    [Fact]
    public async Task TracedHostApp_ScopeValidationOwnTracedClientScopedCustomerStreaming_OneChatSpanPerModelCall()
    {
        var host = CreateHost("traced-host", "TracedHostApp", "Program.cs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "HostApp", "EchoChatClient.cs"), Path.Combine(host, "EchoChatClient.cs"));
        var run = (await ProcessRunner.RunAsync("dotnet", ["run", "--project", Path.Combine(host, "TracedHostApp.csproj")], host, RunTimeout)).AssertSucceeded();
        log.WriteLine($"restore + build + run of the traced host app: {run.Elapsed.TotalSeconds:0.0} s");
        log.WriteLine(run.StandardOutput);
        var output = run.StandardOutput.ReplaceLineEndings("\n");

        // ValidateScopes + ValidateOnBuild and the start-up validation all passed with a scoped customer provider registered.
        Assert.Contains("container=validated\n", output, StringComparison.Ordinal);
        Assert.Contains("answer answered=True model=host-base-model citations=1 cited=returns\n", output, StringComparison.Ordinal);

        // Streaming: the sources first, numbered as the completed answer cites them; the deltas add up to its text.
        var stream = Line(output, "stream ");
        Assert.Matches(@"first-update-sources=[1-9]\d*", stream);
        Assert.Matches(@"deltas=[1-9]\d*", stream);
        Assert.Contains("text-matches=True answered=True cites-streamed-source=True", stream, StringComparison.Ordinal);

        // The scoped provider was resolved in a scope per call (its scoped dependency disposed each time) and its facts reached the prompt.
        Assert.Equal("customers asked=c-1,c-2 directories-disposed=2 in-prompt=2", Line(output, "customers "));

        // The host's client already traces: one chat span per model call, the host's, and no gen_ai.usage.* on the library's spans.
        var telemetry = Line(output, "telemetry ");
        Assert.Contains("model-calls=2 chat-spans=2 chat-sources=Host.Chat usage-tags-outside-chat=0", telemetry, StringComparison.Ordinal);
        Assert.Matches(@"hybrid-answer-spans=[1-9]\d*", telemetry);
    }

    [Fact]
    public async Task PgVectorHostApp_PackageReference_GetsUsePgVector()
    {
        var host = CreateHost("pg-host", "PgVectorHostApp", "Program.cs");
        var run = (await ProcessRunner.RunAsync("dotnet", ["run", "--project", Path.Combine(host, "PgVectorHostApp.csproj")], host, RunTimeout)).AssertSucceeded();
        log.WriteLine(run.StandardOutput);

        Assert.Contains("knowledge-base=HybridAnswer.PgVector.PgVectorKnowledgeBase", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("script-has-hnsw=True", run.StandardOutput, StringComparison.Ordinal);
        var assets = File.ReadAllText(Path.Combine(host, "obj", "project.assets.json"));
        Assert.Contains($"\"HybridAnswer.PgVector/{feed.Version}\"", assets, StringComparison.Ordinal);
        Assert.Contains("\"Npgsql/", assets, StringComparison.Ordinal);
    }

    /// <summary>Copies a host app template (its sources, the props that cut it off from the repository's) into a folder of the run.</summary>
    [Fact]
    public async Task ConformanceHostApp_StoreTestProjectOutsideTheRepository_RunsEverySuiteFromThePackage()
    {
        var host = CreateHost("conformance-host", "ConformanceHostApp", "InMemoryStoreConformanceTests.cs");
        var run = (await ProcessRunner.RunAsync("dotnet", ["test", Path.Combine(host, "ConformanceHostApp.csproj")], host, RunTimeout)).AssertSucceeded();
        log.WriteLine($"restore + build + test of the store's test project: {run.Elapsed.TotalSeconds:0.0} s");
        log.WriteLine(run.StandardOutput);

        var assets = File.ReadAllText(Path.Combine(host, "obj", "project.assets.json"));
        Assert.Contains($"\"HybridAnswer.StoreConformance/{feed.Version}\"", assets, StringComparison.Ordinal);
        var summary = TestSummary().Match(run.StandardOutput);
        Assert.True(summary.Success, run.Describe("printed no test summary"));
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.True(int.Parse(summary.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 60, run.Describe("ran fewer than 60 conformance tests"));
    }

    private string CreateHost(string name, string template, params string[] sources)
    {
        var host = Directory.CreateDirectory(Path.Combine(feed.WorkRoot, name)).FullName;
        var templates = AppContext.BaseDirectory;
        foreach (var file in sources)
        {
            File.Copy(Path.Combine(templates, template, file), Path.Combine(host, file), overwrite: true);
        }

        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(templates, "HostApp", file), Path.Combine(host, file), overwrite: true);
        }

        File.WriteAllText(Path.Combine(host, template + ".csproj"), File.ReadAllText(Path.Combine(templates, template, template + ".csproj"))
            .Replace("{{HybridAnswerVersion}}", feed.Version, StringComparison.Ordinal)
            .Replace("{{DependencyInjectionVersion}}", RepositoryLayout.PackageVersion("Microsoft.Extensions.DependencyInjection"), StringComparison.Ordinal)
            .Replace("{{MicrosoftExtensionsAIVersion}}", RepositoryLayout.PackageVersion("Microsoft.Extensions.AI"), StringComparison.Ordinal)
            .Replace("{{TestSdkVersion}}", RepositoryLayout.PackageVersion("Microsoft.NET.Test.Sdk"), StringComparison.Ordinal)
            .Replace("{{XunitVersion}}", RepositoryLayout.PackageVersion("xunit"), StringComparison.Ordinal)
            .Replace("{{XunitRunnerVersion}}", RepositoryLayout.PackageVersion("xunit.runner.visualstudio"), StringComparison.Ordinal));
        feed.WriteNuGetConfig(host);
        return host;
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line starting '{prefix}' in:\n{output}");

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+), Passed:\s+(?<passed>\d+)")]
    private static partial Regex TestSummary();

    [GeneratedRegex(@"^mode=(?<mode>\w+) model=(?<model>\S*) answered=(?<answered>\w+) citations=(?<citations>\d+) cited=(?<cited>\S*) text=(?<text>.*?)\r?$", RegexOptions.Multiline)]
    private static partial Regex AnswerLine();
}
