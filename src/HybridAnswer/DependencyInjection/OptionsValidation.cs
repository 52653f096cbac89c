using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

// Linked as source into the sibling packages (shipped packages share no internals). In HybridAnswer.DecisionFramework, which like
// the core grants its internals to the tests, it lives in that package's namespace, so the tests find one OptionsValidation per namespace.
#if HYBRIDANSWER_DECISIONFRAMEWORK
namespace HybridAnswer.DecisionFramework;
#else
namespace HybridAnswer;
#endif

/// <summary>
/// The one way every options validator of the library reports a failure: the full configuration key first
/// (<c>HybridAnswering:InMemory:RrfK must be between 1 and 1000 (was 0).</c>), so the message says what to change where.
/// Bounds come from the options' data annotations; rules that span options are added with <see cref="Key"/>.
/// </summary>
internal static class OptionsValidation
{
    /// <summary>The configuration key of <paramref name="member"/> in <paramref name="section"/>.</summary>
    public static string Key(string section, string member) => section + ":" + member;

    /// <summary>Checks the data annotations of <paramref name="options"/>' public properties, adding one failure per violated attribute.</summary>
    public static void Annotations(object options, string section, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            if (attributes.Count == 0)
            {
                continue;
            }

            var value = property.GetValue(options);
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = property.Name };
            foreach (var attribute in attributes)
            {
                var result = attribute.GetValidationResult(value, context);
                if (result is not null)
                {
                    failures.Add(Describe(Key(section, property.Name), attribute, value, result));
                }
            }
        }
    }

    /// <summary>A failure for an enum option whose value names no member.</summary>
    public static void Enum<TEnum>(TEnum value, string section, string member, List<string> failures)
        where TEnum : struct, Enum
    {
        if (!System.Enum.IsDefined(value))
        {
            failures.Add($"{Key(section, member)} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())} (was {Format(value)}).");
        }
    }

    /// <summary>
    /// The whole of most validators: the data annotations of <paramref name="options"/> under <paramref name="section"/>, then the
    /// rules that span options (<paramref name="rules"/> adds a failure per broken rule).
    /// </summary>
    public static ValidateOptionsResult Validate<TOptions>(TOptions options, string section, Action<TOptions, List<string>>? rules = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Annotations(options, section, failures);
        rules?.Invoke(options, failures);
        return Result(failures);
    }

    /// <summary>The validation result of <paramref name="failures"/>.</summary>
    public static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every failure, for options passed to a constructor rather than through DI.</summary>
    public static void ThrowIfInvalid<TOptions>(IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }
    }

    /// <summary>A value as a message shows it: invariant culture, strings quoted.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string text => $"'{(text.Length <= 80 ? text : text[..80] + "…")}'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // Range bounds of non-primitive types (decimal, TimeSpan) are given as strings; they are not user text, so unquoted.
    private static string Bound(object bound) => bound as string ?? Format(bound);

    private static string Describe(string key, ValidationAttribute attribute, object? value, ValidationResult result) => attribute switch
    {
        RangeAttribute range => $"{key} must be between {Bound(range.Minimum)} and {Bound(range.Maximum)} (was {Format(value)}).",
        RequiredAttribute => $"{key} is required (was {(value is null ? "null" : "empty")}).",
        _ => $"{key}: {result.ErrorMessage} (was {Format(value)}).",
    };
}
