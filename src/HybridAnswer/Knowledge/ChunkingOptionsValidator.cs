using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="ChunkingOptions"/>, naming each bad option by its configuration key (<see cref="ChunkingOptions.SectionName"/>).</summary>
internal sealed class ChunkingOptionsValidator : IValidateOptions<ChunkingOptions>
{
    public ValidateOptionsResult Validate(string? name, ChunkingOptions options) =>
        OptionsValidation.Validate(options, ChunkingOptions.SectionName, static (options, failures) =>
        {
            if (options.Overlap * 2 >= options.TargetSize)
            {
                failures.Add($"{OptionsValidation.Key(ChunkingOptions.SectionName, nameof(options.Overlap))} ({options.Overlap}) must be less than half of {OptionsValidation.Key(ChunkingOptions.SectionName, nameof(options.TargetSize))} ({options.TargetSize}).");
            }
        });
}
