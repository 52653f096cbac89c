using System.Text.RegularExpressions;
using HybridAnswer.DecisionFramework;

namespace HybridAnswer.Evaluation;

/// <summary>
/// Scores an answer's sentences against its cited sources: a sentence is supported by a source when the source's terms
/// (the core tokenizer's: lower-cased, stop words removed, stemmed) cover at least <see cref="ModeComparer.SupportThreshold"/>
/// of the sentence's terms. Lexical on purpose: it needs no model, so it cannot be fooled by the model it measures.
/// </summary>
internal static partial class AnswerGrounding
{
    [GeneratedRegex(@"\[([0-9]{1,3}(?:[ \t]*,[ \t]*[0-9]{1,3})*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    /// <summary>The sentences with content words, each with the citation numbers it carries.</summary>
    public static List<(HashSet<string> Terms, List<int> Cited)> Sentences(string text)
    {
        var result = new List<(HashSet<string>, List<int>)>();
        foreach (var sentence in TextAnalyzer.Sentences(text))
        {
            var cited = Marker().Matches(sentence).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
            var terms = TextAnalyzer.Terms(Marker().Replace(sentence, " ")).ToHashSet(StringComparer.Ordinal);
            if (terms.Count > 0)
            {
                result.Add((terms, cited));
            }
            else if (cited.Count > 0 && result.Count > 0)
            {
                // A marker split off as its own "sentence" ("... in 30 days. [1]") cites the sentence before it.
                result[^1].Item2.AddRange(cited);
            }
        }

        return result;
    }

    public static bool Supports(HashSet<string> sentence, HashSet<string> source) =>
        sentence.Count > 0 && (double)sentence.Count(source.Contains) / sentence.Count >= ModeComparer.SupportThreshold;

    /// <summary>The answer's cited sources by citation number, as term sets.</summary>
    public static Dictionary<int, HashSet<string>> CitedSources(Answer answer)
    {
        var byChunk = answer.Sources.GroupBy(s => s.ChunkId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var cited = new Dictionary<int, HashSet<string>>();
        foreach (var citation in answer.Citations)
        {
            if (byChunk.TryGetValue(citation.ChunkId, out var chunk))
            {
                cited[citation.Index] = TextAnalyzer.Terms(chunk.Title + "\n" + chunk.Content).ToHashSet(StringComparer.Ordinal);
            }
        }

        return cited;
    }

    /// <summary>Scores one answered answer: its supported and counted sentences, and whether every citation is held by its source.</summary>
    public static (int Supported, int Sentences, bool CorrectlyCited) Score(Answer answer)
    {
        var sources = CitedSources(answer);
        var sentences = Sentences(answer.Text);
        var supported = sentences.Count(s => sources.Values.Any(source => Supports(s.Terms, source)));
        var uses = sentences.SelectMany(s => s.Cited.Select(n => (s.Terms, Number: n))).ToList();
        var correct = uses.Count > 0 && uses.All(u => sources.TryGetValue(u.Number, out var source) && Supports(u.Terms, source));
        return (supported, sentences.Count, correct);
    }
}
