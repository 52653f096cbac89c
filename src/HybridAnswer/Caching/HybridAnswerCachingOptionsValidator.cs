using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="HybridAnswerCachingOptions"/> at start, naming the setting that is wrong.</summary>
internal sealed class HybridAnswerCachingOptionsValidator : IValidateOptions<HybridAnswerCachingOptions>
{
    public ValidateOptionsResult Validate(string? name, HybridAnswerCachingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AnswerExpiration <= TimeSpan.Zero)
        {
            failures.Add($"HybridAnswering:Caching:AnswerExpiration must be positive (was {options.AnswerExpiration}).");
        }

        if (options.EmbeddingExpiration <= TimeSpan.Zero)
        {
            failures.Add($"HybridAnswering:Caching:EmbeddingExpiration must be positive (was {options.EmbeddingExpiration}).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add("HybridAnswering:Caching:KeyPrefix must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
