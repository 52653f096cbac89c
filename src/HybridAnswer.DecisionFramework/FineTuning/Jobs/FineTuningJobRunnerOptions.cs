namespace HybridAnswer.FineTuning;

/// <summary>Settings of <see cref="FineTuningJobRunner"/>.</summary>
public sealed class FineTuningJobRunnerOptions
{
    /// <summary>Gets how often a waiting runner reads the job and its events.</summary>
    /// <value>Default: 10 seconds (jobs take minutes to hours).</value>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets the JSON file that remembers uploads (by file hash) and jobs (by file hash and request), so the same file is not
    /// uploaded twice and a second submit resumes the job; <see langword="null"/> remembers nothing.
    /// </summary>
    public string? StateFile { get; init; }
}
