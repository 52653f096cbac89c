using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace HybridAnswer.Cli;

/// <summary>
/// Numeric options with their bounds checked while parsing. A custom parser rather than a validator: a validator that reads
/// the value throws when the text is not a number ('--examples lots'), which must be a usage error, not a crash.
/// </summary>
internal static class NumberOption
{
    public static Option<T> Create<T>(string name, string description, T min, T max, T? fallback = null, params string[] aliases)
        where T : struct, INumber<T>
    {
        var option = new Option<T>(name, aliases)
        {
            Description = description,
            CustomParser = r => Parse(r, name, min, max) ?? default,
        };
        if (fallback is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    public static Option<T?> CreateOptional<T>(string name, string description, T min, T max)
        where T : struct, INumber<T> => new(name)
        {
            Description = description,
            CustomParser = r => Parse(r, name, min, max),
        };

    private static T? Parse<T>(ArgumentResult result, string name, T min, T max)
        where T : struct, INumber<T>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!T.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} must be a number (was '{text}').");
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max} (was {text})."));
            return null;
        }

        return value;
    }
}
