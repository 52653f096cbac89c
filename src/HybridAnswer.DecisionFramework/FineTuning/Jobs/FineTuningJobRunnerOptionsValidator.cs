using HybridAnswer.DecisionFramework;
using Microsoft.Extensions.Options;

namespace HybridAnswer.FineTuning;

/// <summary>Validates <see cref="FineTuningJobRunnerOptions"/>, naming each bad option by its key (<c>HybridAnswering:FineTuning:Jobs:…</c>).</summary>
internal sealed class FineTuningJobRunnerOptionsValidator : IValidateOptions<FineTuningJobRunnerOptions>
{
    /// <summary>The one instance <see cref="FineTuningJobRunner"/> checks its options with.</summary>
    public static FineTuningJobRunnerOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, FineTuningJobRunnerOptions options) =>
        OptionsValidation.Validate(options, FineTuningJobRunnerOptions.SectionName);
}
