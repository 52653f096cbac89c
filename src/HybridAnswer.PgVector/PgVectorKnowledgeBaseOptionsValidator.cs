using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HybridAnswer.PgVector;

/// <summary>Validates <see cref="PgVectorKnowledgeBaseOptions"/>: data annotations, identifiers, and the rules that span options.</summary>
internal sealed partial class PgVectorKnowledgeBaseOptionsValidator : IValidateOptions<PgVectorKnowledgeBaseOptions>
{
    public const int MaxTableLength = 40;

    public ValidateOptionsResult Validate(string? name, PgVectorKnowledgeBaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{nameof(PgVectorKnowledgeBaseOptions)}: {r.ErrorMessage}"));
        }

        CheckIdentifier(failures, nameof(options.Schema), options.Schema, 63);
        CheckIdentifier(failures, nameof(options.Table), options.Table, MaxTableLength);
        CheckIdentifier(failures, nameof(options.TextSearchConfiguration), options.TextSearchConfiguration, 63);
        if (options.HnswEfConstruction < 2 * options.HnswM)
        {
            failures.Add($"{nameof(PgVectorKnowledgeBaseOptions)}.{nameof(options.HnswEfConstruction)} ({options.HnswEfConstruction}) must be at least twice {nameof(options.HnswM)} ({options.HnswM}).");
        }

        if (!Enum.IsDefined(options.Distance))
        {
            failures.Add($"{nameof(PgVectorKnowledgeBaseOptions)}.{nameof(options.Distance)} '{options.Distance}' is not a distance.");
        }

        if (!Enum.IsDefined(options.RetrievalKind))
        {
            failures.Add($"{nameof(PgVectorKnowledgeBaseOptions)}.{nameof(options.RetrievalKind)} '{options.RetrievalKind}' is not a retrieval kind.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every problem.</summary>
    public static void ThrowIfInvalid(PgVectorKnowledgeBaseOptions options)
    {
        var result = new PgVectorKnowledgeBaseOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PgVectorKnowledgeBaseOptions), result.Failures);
        }
    }

    private static void CheckIdentifier(List<string> failures, string option, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return; // [Required] reports it.
        }

        if (value.Length > maxLength || !Identifier().IsMatch(value))
        {
            failures.Add($"{nameof(PgVectorKnowledgeBaseOptions)}.{option} '{Shorten(value)}' is not a plain SQL identifier: use letters, digits and underscores, at most {maxLength} characters, not starting with a digit.");
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
