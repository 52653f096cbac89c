using Microsoft.Extensions.Options;

namespace HybridAnswer.InMemory;

/// <summary>Validates <see cref="InMemoryKnowledgeBaseOptions"/>, naming each bad option by its configuration key.</summary>
internal sealed class InMemoryKnowledgeBaseOptionsValidator : IValidateOptions<InMemoryKnowledgeBaseOptions>
{
    public ValidateOptionsResult Validate(string? name, InMemoryKnowledgeBaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionsValidation.Annotations(options, InMemoryKnowledgeBaseOptions.SectionName, failures);
        OptionsValidation.Enum(options.RetrievalKind, InMemoryKnowledgeBaseOptions.SectionName, nameof(options.RetrievalKind), failures);
        return OptionsValidation.Result(failures);
    }
}
