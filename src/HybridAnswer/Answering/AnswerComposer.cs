namespace HybridAnswer;

/// <summary>
/// Turns the outcome of one answer into an <see cref="Answer"/>: a refusal with the configured no-answer text, or the generated
/// text with its <c>[n]</c> markers mapped to the prompt's sources (markers pointing at no source removed and reported), and
/// the model's own refusals recognised.
/// </summary>
internal sealed class AnswerComposer(HybridAnsweringOptions options)
{
    /// <summary>A refusal before any model call: the answer costs only the retrieval.</summary>
    public Answer Refusal(AnswerCall call, NoAnswerReason reason, IReadOnlyList<RetrievedChunk> sources, AnswerTimings timings) => new()
    {
        Text = options.NoAnswerText,
        Answered = false,
        NoAnswerReason = reason,
        Sources = sources,
        Mode = call.Mode,
        CostUsd = options.Pricing.Compute(modelId: null, usage: null, retrieved: call.Retrieves),
        Timings = timings,
    };

    /// <summary>The answer from the generator's output.</summary>
    /// <param name="call">The call.</param>
    /// <param name="prompted">
    /// The sources of the prompt after packing (duplicates dropped, cut to the token budget): <c>[n]</c> refers to the n-th of
    /// these, not of the retrieval, and they are <see cref="Answer.Sources"/> so that a client can render <c>[n]</c> against them.
    /// </param>
    /// <param name="generated">The generator's output.</param>
    /// <param name="timings">Where the time went.</param>
    public Answer Compose(AnswerCall call, IReadOnlyList<RetrievedChunk> prompted, GeneratedText generated, AnswerTimings timings)
    {
        var (citations, invalid) = CitationParser.Parse(generated.Text, prompted);
        var declined = generated.DeclineReason ?? (IsNoAnswer(generated.Text, citations.Count) ? NoAnswerReason.ModelDeclined : null);
        return new Answer
        {
            Text = declined is null ? CitationParser.RemoveMarkers(generated.Text, invalid).Trim() : options.NoAnswerText,
            Answered = declined is null,
            NoAnswerReason = declined,
            Citations = declined is null ? citations : [],
            InvalidCitationMarkers = invalid,
            Sources = prompted,
            Mode = call.Mode,
            ModelId = generated.ModelId,
            UsedFallback = generated.UsedFallback,
            Usage = generated.Usage,
            CostUsd = options.Pricing.Compute(generated.ModelId, generated.Usage, retrieved: call.Retrieves),
            Timings = timings,
        };
    }

    /// <summary>Whether the text is the no-answer text: exactly, or a refusal that goes on ("... Please contact support.") without citing anything.</summary>
    public bool IsNoAnswer(string text, int citations)
    {
        var trimmed = Normalize(text);
        var expected = Normalize(options.NoAnswerText);
        return trimmed.Length == 0 || trimmed.Equals(expected, StringComparison.OrdinalIgnoreCase) ||
               (citations == 0 && trimmed.StartsWith(expected, StringComparison.OrdinalIgnoreCase));

        static string Normalize(string value) => value.Trim().Replace('\u2019', '\'').TrimEnd('.', '!', ' ');
    }
}
