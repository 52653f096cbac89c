using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="HybridAnsweringOptions"/>, nested options included, naming each bad option by its configuration key.</summary>
internal sealed class HybridAnsweringOptionsValidator : IValidateOptions<HybridAnsweringOptions>
{
    public ValidateOptionsResult Validate(string? name, HybridAnsweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionsValidation.Annotations(options, HybridAnsweringOptions.SectionName, failures);
        OptionsValidation.Annotations(options.Chunking, HybridAnsweringOptions.SectionName + ":Chunking", failures);
        OptionsValidation.Annotations(options.Prompt, HybridAnsweringOptions.SectionName + ":Prompt", failures);
        OptionsValidation.Annotations(options.Generation, HybridAnsweringOptions.SectionName + ":Generation", failures);
        OptionsValidation.Annotations(options.Extractive, HybridAnsweringOptions.SectionName + ":Extractive", failures);
        OptionsValidation.Annotations(options.Pricing, HybridAnsweringOptions.SectionName + ":Pricing", failures);
        foreach (var (model, price) in options.Pricing.Models)
        {
            if (string.IsNullOrWhiteSpace(model) || price is null)
            {
                failures.Add($"{HybridAnsweringOptions.SectionName}:Pricing:Models has an empty model id or a null price.");
                continue;
            }

            OptionsValidation.Annotations(price, $"{HybridAnsweringOptions.SectionName}:Pricing:Models:{model}", failures);
        }

        // Half the window at least must remain for instructions, question and sources, or every prompt is starved.
        if (options.Prompt.MaxAnswerTokens * 2 > options.Prompt.MaxPromptTokens)
        {
            failures.Add($"{HybridAnsweringOptions.SectionName}:Prompt:MaxAnswerTokens ({options.Prompt.MaxAnswerTokens}) must be at most half of {HybridAnsweringOptions.SectionName}:Prompt:MaxPromptTokens ({options.Prompt.MaxPromptTokens}).");
        }

        if (options.Generation.MaxRetryDelay < options.Generation.RetryBaseDelay)
        {
            failures.Add($"{HybridAnsweringOptions.SectionName}:Generation:MaxRetryDelay ({options.Generation.MaxRetryDelay}) must not be less than {HybridAnsweringOptions.SectionName}:Generation:RetryBaseDelay ({options.Generation.RetryBaseDelay}).");
        }

        OptionsValidation.Enum(options.Mode, HybridAnsweringOptions.SectionName, nameof(options.Mode), failures);

        if (options.Mode != AnswerMode.Rag && string.IsNullOrWhiteSpace(options.FineTunedModel))
        {
            failures.Add($"{HybridAnsweringOptions.SectionName}:FineTunedModel is required when {HybridAnsweringOptions.SectionName}:Mode is {options.Mode}.");
        }

        if (options.Chunking.Overlap * 2 >= options.Chunking.TargetSize)
        {
            failures.Add($"{HybridAnsweringOptions.SectionName}:Chunking:Overlap ({options.Chunking.Overlap}) must be less than half of {HybridAnsweringOptions.SectionName}:Chunking:TargetSize ({options.Chunking.TargetSize}).");
        }

        foreach (var (key, value) in options.DefaultFilter)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                failures.Add($"{HybridAnsweringOptions.SectionName}:DefaultFilter has an empty key or a null value.");
            }
        }

        return OptionsValidation.Result(failures);
    }
}
