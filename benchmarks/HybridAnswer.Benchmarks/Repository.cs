namespace HybridAnswer.Benchmarks;

/// <summary>Finds the repository (for the sample knowledge base) from wherever BenchmarkDotNet runs the benchmark process.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string SamplesDirectory => Path.Combine(Root, "docs", "samples");

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("HYBRIDANSWER_REPO") is { Length: > 0 } configured)
        {
            return configured;
        }

        // The generated benchmark projects live under this project's bin folder, so walking up always reaches the repository.
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "HybridAnswer.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (HybridAnswer.sln); set HYBRIDANSWER_REPO.");
    }
}
