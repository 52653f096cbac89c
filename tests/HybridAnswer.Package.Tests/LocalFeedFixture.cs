using System.Diagnostics;
using System.Globalization;

namespace HybridAnswer.Package.Tests;

/// <summary>
/// Packs HybridAnswer, HybridAnswer.PgVector, HybridAnswer.DecisionFramework, the HybridAnswer.Cli tool and the HybridAnswer.StoreConformance suite once per run into a local folder feed, under a version no earlier
/// run used (0.1.0-test.&lt;ticks&gt;), so the NuGet global packages folder can never serve a stale copy. Everything lives
/// in one temp folder outside the repository, deleted with the run's entries in the global packages folder.
/// </summary>
public sealed class LocalFeedFixture : IAsyncLifetime
{
    // The tool packs once per platform (five publishes): give it room on a busy machine.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(12);

    /// <summary>Gets the temp folder holding the feed, the build artifacts and the tests' apps; outside the repository.</summary>
    public string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "hybridanswer-package-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Gets the folder feed the packages are written to.</summary>
    public string Feed => Path.Combine(WorkRoot, "feed");

    /// <summary>Gets the version every package was packed with.</summary>
    public string Version { get; } = string.Create(CultureInfo.InvariantCulture, $"0.1.0-test.{DateTime.UtcNow.Ticks}");

    /// <summary>Gets how long packing each project took, for the test log.</summary>
    public IReadOnlyList<string> PackTimings => _packTimings;

    private readonly List<string> _packTimings = [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (WorkRoot.StartsWith(RepositoryLayout.Root, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The temp folder {WorkRoot} is inside the repository; the host app must not see its Directory.*.props.");
        }

        Directory.CreateDirectory(Feed);
        foreach (var project in new[] { "src/HybridAnswer/HybridAnswer.csproj", "src/HybridAnswer.PgVector/HybridAnswer.PgVector.csproj", "src/HybridAnswer.Agents/HybridAnswer.Agents.csproj", "src/HybridAnswer.VectorData/HybridAnswer.VectorData.csproj", "src/HybridAnswer.DecisionFramework/HybridAnswer.DecisionFramework.csproj", "src/HybridAnswer.Embeddings.MiniLM/HybridAnswer.Embeddings.MiniLM.csproj", "src/HybridAnswer.Cli/HybridAnswer.Cli.csproj", "tests/HybridAnswer.StoreConformance/HybridAnswer.StoreConformance.csproj" })
        {
            // --artifacts-path keeps this build's obj/bin out of the working tree, so packing in Release never touches
            // the files of the Debug build that 'dotnet test' is running from.
            var result = await ProcessRunner.RunAsync("dotnet",
                ["pack", Path.Combine(RepositoryLayout.Root, project), "-c", "Release", "-o", Feed, "--artifacts-path", Path.Combine(WorkRoot, "artifacts"), $"-p:Version={Version}"],
                RepositoryLayout.Root, PackTimeout);
            if (result.TimedOut || result.ExitCode != 0)
            {
                throw new InvalidOperationException(result.Describe(result.TimedOut ? "timed out" : $"exited with {result.ExitCode}"));
            }

            _packTimings.Add(string.Create(CultureInfo.InvariantCulture, $"pack {Path.GetFileName(project)}: {result.Elapsed.TotalSeconds:0.0} s"));
        }
    }

    /// <summary>Writes the feed's nuget.config into <paramref name="directory"/>: the local feed for HybridAnswer*, nuget.org for the rest.</summary>
    public void WriteNuGetConfig(string directory)
    {
        var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HostApp", "nuget.config"));
        File.WriteAllText(Path.Combine(directory, "nuget.config"), template.Replace("{{Feed}}", Feed, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        TryDelete(WorkRoot);

        // The unique versions would otherwise pile up in the global packages folder, one per run.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "hybridanswer", "hybridanswer.pgvector", "hybridanswer.decisionframework", "hybridanswer.embeddings.minilm", "hybridanswer.cli", "hybridanswer.cli.linux-x64", "hybridanswer.cli.linux-arm64", "hybridanswer.cli.win-x64", "hybridanswer.cli.win-arm64", "hybridanswer.cli.osx-arm64", "hybridanswer.storeconformance" })
        {
            TryDelete(Path.Combine(globalPackages, id, Version));
        }

        return Task.CompletedTask;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException e)
        {
            Trace.WriteLine($"Could not delete {directory}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Trace.WriteLine($"Could not delete {directory}: {e.Message}");
        }
    }
}
