namespace HybridAnswer.Tests.Evaluation;

/// <summary>Paths of the question sets in the repository, found by walking up to HybridAnswer.sln.</summary>
internal static class EvaluationTestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SamplesDirectory => Path.Combine(RepositoryRoot, "docs", "samples");

    public static string SampleQuestions => Path.Combine(SamplesDirectory, "questions.jsonl");

    public static string HelpdeskDirectory => Path.Combine(RepositoryRoot, "tests", "HybridAnswer.Tests", "TestData", "helpdesk");

    public static string HelpdeskQuestions => Path.Combine(HelpdeskDirectory, "questions.jsonl");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HybridAnswer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("HybridAnswer.sln not found above " + AppContext.BaseDirectory);
    }
}
