using System.Globalization;
using System.Text.RegularExpressions;

namespace HybridAnswer.Evaluation;

/// <summary>
/// Scores an answer against what the question set says it should look like: its <see cref="AnswerFormat"/> checks (pass or
/// fail each) and its voice against the reference answer — the cosine similarity of the two texts' word unigram and bigram
/// counts, lower-cased, citation markers removed, stop words kept (voice lives in openers, sign-offs and function words).
/// Lexical and deterministic on purpose: it needs no model, so it cannot be fooled by the model it measures.
/// </summary>
internal static partial class ReferenceAgreement
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    [GeneratedRegex(@"[ \t]*\[[0-9]{1,3}(?:[ \t]*,[ \t]*[0-9]{1,3})*\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[!?]", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"^[ \t]*(?:[-*•]|[0-9]{1,3}[.)])[ \t]+\S", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Bullet();

    /// <summary>Checks that a pattern is a valid regular expression; the message when it is not.</summary>
    public static string? PatternError(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>How many of the format's checks the answer passes.</summary>
    public static int FormatPassed(AnswerFormat format, string answer)
    {
        var text = Marker().Replace(answer, string.Empty).Trim();
        var words = Word().Matches(text).Count(m => m.Value is not ("!" or "?"));
        var passed = 0;
        passed += format.Pattern is { } pattern && Matches(pattern, text) ? 1 : 0;
        passed += format.MinWords is { } min && words >= min ? 1 : 0;
        passed += format.MaxWords is { } max && words <= max ? 1 : 0;
        passed += format.Bullets is { } bullets && Bullet().IsMatch(text) == bullets ? 1 : 0;
        passed += format.StartsWith is { } start && text.StartsWith(start.Trim(), StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        passed += format.EndsWith is { } end && text.EndsWith(end.Trim(), StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        return passed;
    }

    /// <summary>The voice similarity of an answer to the reference answer, 0–1.</summary>
    public static double Voice(string answer, string reference)
    {
        var a = Features(answer);
        var b = Features(reference);
        double dot = 0;
        foreach (var (feature, count) in a)
        {
            dot += b.TryGetValue(feature, out var other) ? count * other : 0;
        }

        var norm = Math.Sqrt(a.Values.Sum(v => (double)v * v)) * Math.Sqrt(b.Values.Sum(v => (double)v * v));
        return norm == 0 ? 0 : Math.Round(dot / norm, 6);
    }

    private static bool Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Dictionary<string, int> Features(string text)
    {
        var words = Word().Matches(Marker().Replace(text, string.Empty).ToLower(CultureInfo.InvariantCulture)).Select(m => m.Value).ToList();
        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            Add(features, words[i]);
            if (i > 0)
            {
                Add(features, words[i - 1] + " " + words[i]);
            }
        }

        return features;
    }

    private static void Add(Dictionary<string, int> features, string feature) =>
        features[feature] = features.TryGetValue(feature, out var count) ? count + 1 : 1;
}
