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
        Nested(new ChunkingOptionsValidator().Validate(name, options.Chunking), failures);
        Nested(new PromptOptionsValidator().Validate(name, options.Prompt), failures);
        Nested(new GenerationOptionsValidator().Validate(name, options.Generation), failures);
        Nested(new ExtractiveGeneratorOptionsValidator().Validate(name, options.Extractive), failures);
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

        OptionsValidation.Enum(options.Mode, HybridAnsweringOptions.SectionName, nameof(options.Mode), failures);

        if (options.Mode != AnswerMode.Rag && string.IsNullOrWhiteSpace(options.FineTunedModel))
        {
            failures.Add($"{HybridAnsweringOptions.SectionName}:FineTunedModel is required when {HybridAnsweringOptions.SectionName}:Mode is {options.Mode}.");
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

    private static void Nested(ValidateOptionsResult result, List<string> failures)
    {
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }
    }
}
