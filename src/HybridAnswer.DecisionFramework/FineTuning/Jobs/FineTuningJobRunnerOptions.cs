using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Settings of <see cref="FineTuningJobRunner"/>. Checked by its constructor: a bad value throws
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming its key under <see cref="SectionName"/>.
/// </summary>
public sealed class FineTuningJobRunnerOptions
{
    /// <summary>The configuration section the options bind from, and the prefix of the keys its validation failures name.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":FineTuning:Jobs";

    /// <summary>Gets how often a waiting runner reads the job and its events.</summary>
    /// <value>Default: 10 seconds (jobs take minutes to hours); from 1 millisecond to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets the JSON file that remembers uploads (by file hash) and jobs (by file hash and request), so the same file is not
    /// uploaded twice and a second submit resumes the job; <see langword="null"/> remembers nothing.
    /// </summary>
    public string? StateFile { get; init; }
}
