using HybridAnswer.DecisionFramework;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Evaluation;

/// <summary>Validates <see cref="ModeComparisonOptions"/>, naming each bad option by its key (<c>HybridAnswering:ModeComparison:…</c>).</summary>
internal sealed class ModeComparisonOptionsValidator : IValidateOptions<ModeComparisonOptions>
{
    /// <summary>The one instance <see cref="ModeComparer"/> checks its options with.</summary>
    public static ModeComparisonOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, ModeComparisonOptions options) =>
        OptionsValidation.Validate(options, ModeComparisonOptions.SectionName, static (options, failures) =>
        {
            var key = OptionsValidation.Key(ModeComparisonOptions.SectionName, nameof(options.Modes));
            if (options.Modes is { Count: 0 })
            {
                failures.Add($"{key} is empty: name at least one mode.");
            }

            for (var i = 0; i < (options.Modes?.Count ?? 0); i++)
            {
                OptionsValidation.Enum(options.Modes![i], ModeComparisonOptions.SectionName, $"{nameof(options.Modes)}:{i}", failures);
            }
        });
}
