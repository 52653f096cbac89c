using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="KnowledgeLoaderOptions"/>, naming each bad option by its key (<c>KnowledgeLoaderOptions:…</c>; the options are passed in code, not bound from configuration).</summary>
internal sealed class KnowledgeLoaderOptionsValidator : IValidateOptions<KnowledgeLoaderOptions>
{
    private const string Section = nameof(KnowledgeLoaderOptions);

    public ValidateOptionsResult Validate(string? name, KnowledgeLoaderOptions options) =>
        OptionsValidation.Validate(options, Section, static (options, failures) =>
        {
            if (options.MaxFileBytes is < 1 or > KnowledgeLoaderOptions.MaxMaxFileBytes)
            {
                failures.Add($"{OptionsValidation.Key(Section, nameof(options.MaxFileBytes))} must be between 1 and {KnowledgeLoaderOptions.MaxMaxFileBytes} (was {options.MaxFileBytes}).");
            }
        });
}
