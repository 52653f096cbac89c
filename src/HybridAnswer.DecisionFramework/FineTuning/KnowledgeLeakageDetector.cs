using System.Text.RegularExpressions;
using HybridAnswer.DecisionFramework;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Finds facts from the knowledge base in fine-tuning answers. Knowledge baked into weights goes stale when the documents
/// change, and the model cannot cite it; such answers belong to retrieval (RAG or hybrid), not to training data.
/// </summary>
/// <remarks>
/// Lexical, so explainable: each answer sentence is compared with passages (two consecutive sentences) of the documents, or of
/// the chunks an <see cref="IRetriever"/> returns for it. A sentence leaks when it shares a number or code with a passage
/// (a price, a period, a product code) and at least a third of its content terms, or when most of its content terms
/// (60 %, at least four) appear in one passage. Style-only answers ("Happy to help!") share neither and pass.
/// </remarks>
public sealed partial class KnowledgeLeakageDetector
{
    private const double FactOverlap = 0.34;
    private const double TermOverlap = 0.6;
    private const int MinTermsForTermOverlap = 4;
    private const int MinSharedTermsWithFact = 2;
    private const int RetrievedChunks = 3;

    private readonly IReadOnlyList<Passage>? _passages;
    private readonly IRetriever? _retriever;

    /// <summary>Initializes a detector over a set of documents (e.g. the knowledge base loaded from a folder).</summary>
    /// <param name="documents">The knowledge-base documents.</param>
    public KnowledgeLeakageDetector(IEnumerable<KnowledgeDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _passages = documents.SelectMany(d => Passages(d.Id, d.Title, d.Content)).ToList();
    }

    /// <summary>Initializes a detector that asks a retriever for the passages most like each answer sentence (for large or remote knowledge bases).</summary>
    /// <param name="retriever">The retriever over the knowledge base.</param>
    public KnowledgeLeakageDetector(IRetriever retriever)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        _retriever = retriever;
    }

    /// <summary>Finds the sentences of a text that state knowledge-base facts, at most one finding (the strongest) per sentence.</summary>
    /// <param name="text">An assistant answer.</param>
    /// <param name="cancellationToken">Cancels retrieval.</param>
    /// <returns>The leaking sentences, in text order; empty when none.</returns>
    public async Task<IReadOnlyList<KnowledgeLeak>> FindAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var leaks = new List<KnowledgeLeak>();
        foreach (var sentence in TextAnalyzer.Sentences(text))
        {
            var terms = TextAnalyzer.Terms(sentence).ToHashSet(StringComparer.Ordinal);
            if (terms.Count == 0)
            {
                continue;
            }

            var facts = Facts(sentence);
            var passages = _passages ?? await RetrievePassagesAsync(sentence, cancellationToken).ConfigureAwait(false);
            KnowledgeLeak? best = null;
            foreach (var passage in passages)
            {
                var shared = terms.Count(passage.Terms.Contains);
                var overlap = (double)shared / terms.Count;
                var sharedFacts = facts.Where(passage.Facts.Contains).ToList();
                var leaking = (sharedFacts.Count > 0 && shared >= MinSharedTermsWithFact && overlap >= FactOverlap) ||
                             (terms.Count >= MinTermsForTermOverlap && overlap >= TermOverlap);
                if (leaking && (best is null || (sharedFacts.Count, overlap).CompareTo((best.SharedFacts.Count, best.Overlap)) > 0))
                {
                    best = new KnowledgeLeak { Sentence = sentence, DocumentId = passage.DocumentId, Title = passage.Title, SharedFacts = sharedFacts, Overlap = Math.Round(overlap, 3) };
                }
            }

            if (best is not null)
            {
                leaks.Add(best);
            }
        }

        return leaks;
    }

    private async Task<IReadOnlyList<Passage>> RetrievePassagesAsync(string sentence, CancellationToken cancellationToken)
    {
        var chunks = await _retriever!.RetrieveAsync(new RetrievalRequest(sentence) { TopK = RetrievedChunks }, cancellationToken).ConfigureAwait(false);
        return chunks.SelectMany(c => Passages(c.DocumentId, c.Title, c.Content)).ToList();
    }

    private static IEnumerable<Passage> Passages(string documentId, string title, string content)
    {
        var sentences = TextAnalyzer.Sentences(content);
        for (var i = 0; i < sentences.Count; i++)
        {
            var text = i + 1 < sentences.Count ? sentences[i] + " " + sentences[i + 1] : sentences[i];
            yield return new Passage(documentId, title, TextAnalyzer.Terms(text).ToHashSet(StringComparer.Ordinal), Facts(text).ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <summary>Numbers and codes: tokens with a digit ("30", "14:00", "49.99", "KB-450"), lower-cased, trailing punctuation dropped.</summary>
    internal static List<string> Facts(string text) =>
        FactPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).Where(f => f.Any(char.IsDigit)).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[\-.,/:][\p{L}\p{N}]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex FactPattern();

    private sealed record Passage(string DocumentId, string Title, HashSet<string> Terms, HashSet<string> Facts);
}
