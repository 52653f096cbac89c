using HybridAnswer.DecisionFramework;
using Microsoft.Extensions.Options;

namespace HybridAnswer.FineTuning;

/// <summary>Validates <see cref="TrainingDataHarvestOptions"/>, naming each bad option by its key (<c>HybridAnswering:FineTuning:Harvest:…</c>).</summary>
internal sealed class TrainingDataHarvestOptionsValidator : IValidateOptions<TrainingDataHarvestOptions>
{
    /// <summary>The one instance <see cref="TrainingDataHarvester"/> checks its options with.</summary>
    public static TrainingDataHarvestOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, TrainingDataHarvestOptions options) =>
        OptionsValidation.Validate(options, TrainingDataHarvestOptions.SectionName);
}
