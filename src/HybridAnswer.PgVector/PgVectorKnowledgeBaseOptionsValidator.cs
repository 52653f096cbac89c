using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HybridAnswer.PgVector;

/// <summary>
/// Validates <see cref="PgVectorKnowledgeBaseOptions"/>: data annotations, identifiers, and the rules that span options,
/// naming each bad option by its configuration key (<c>HybridAnswering:PgVector:...</c>).
/// </summary>
internal sealed partial class PgVectorKnowledgeBaseOptionsValidator : IValidateOptions<PgVectorKnowledgeBaseOptions>
{
    public const int MaxTableLength = 40;

    /// <summary>The most metadata keys <see cref="PgVectorKnowledgeBaseOptions.FilterIndexKeys"/> may name.</summary>
    public const int MaxFilterIndexKeys = 16;

    private const string Section = PgVectorKnowledgeBaseOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PgVectorKnowledgeBaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionsValidation.Annotations(options, Section, failures);
        CheckIdentifier(failures, nameof(options.Schema), options.Schema, 63);
        CheckIdentifier(failures, nameof(options.Table), options.Table, MaxTableLength);
        CheckIdentifier(failures, nameof(options.TextSearchConfiguration), options.TextSearchConfiguration, 63);
        if (options.HnswEfConstruction < 2 * options.HnswM)
        {
            failures.Add($"{OptionsValidation.Key(Section, nameof(options.HnswEfConstruction))} must be at least twice {OptionsValidation.Key(Section, nameof(options.HnswM))} ({options.HnswM}) (was {options.HnswEfConstruction}).");
        }

        OptionsValidation.Enum(options.Distance, Section, nameof(options.Distance), failures);
        OptionsValidation.Enum(options.VectorStorage, Section, nameof(options.VectorStorage), failures);
        if (options.Dimensions is { } dimensions && options.VectorStorage == PgVectorStorage.Float32 && dimensions > PgVectorSchema.MaxVectorDimensions)
        {
            failures.Add(PgVectorSchema.TooManyDimensions(OptionsValidation.Key(Section, nameof(options.Dimensions)), dimensions));
        }

        OptionsValidation.Enum(options.RetrievalKind, Section, nameof(options.RetrievalKind), failures);
        CheckFilterIndexKeys(failures, options.FilterIndexKeys);
        return OptionsValidation.Result(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every problem.</summary>
    public static void ThrowIfInvalid(PgVectorKnowledgeBaseOptions options) =>
        OptionsValidation.ThrowIfInvalid(new PgVectorKnowledgeBaseOptionsValidator(), options);

    private static void CheckFilterIndexKeys(List<string> failures, IList<string>? keys)
    {
        var option = OptionsValidation.Key(Section, nameof(PgVectorKnowledgeBaseOptions.FilterIndexKeys));
        if (keys is null)
        {
            failures.Add($"{option} must not be null.");
            return;
        }

        if (keys.Count > MaxFilterIndexKeys)
        {
            failures.Add($"{option} names at most {MaxFilterIndexKeys} keys (was {keys.Count}).");
        }

        for (var i = 0; i < keys.Count; i++)
        {
            // Keys travel as parameters and into the index predicate through the server's own quoting (format %L); any text is safe,
            // but an empty key or a control character is a configuration mistake.
            if (string.IsNullOrEmpty(keys[i]) || keys[i].Any(char.IsControl) || keys[i].Length > 256)
            {
                failures.Add($"{option}:{i} must be a metadata key: 1-256 characters, no control characters (was {OptionsValidation.Format(keys[i])}).");
            }
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
            failures.Add($"{OptionsValidation.Key(Section, option)} must be a plain SQL identifier: letters, digits and underscores, at most {maxLength} characters, not starting with a digit (was {OptionsValidation.Format(value)}).");
        }
    }

    // \A and \z, not ^ and $: "$" also matches before a final newline, which let "chunks\n" through (issue 23).
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
