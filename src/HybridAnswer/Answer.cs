using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer;

/// <summary>The result of <see cref="HybridAnswerer.AnswerAsync"/>: the text, its sources, and what it cost.</summary>
/// <remarks>
/// A class, not a record: two answers are not "equal" because their fields are (they hold lists of sources and citations), so
/// it has reference equality, like the data types of Microsoft.Extensions.AI.
/// </remarks>
public sealed class Answer
{
    /// <summary>Initializes a new instance of the <see cref="Answer"/> class.</summary>
    public Answer()
    {
    }

    // A copy for the answer cache (a hit is the stored answer with its cost and timings replaced); every property is listed here.
    [SetsRequiredMembers]
    internal Answer(Answer other)
    {
        Text = other.Text;
        Answered = other.Answered;
        NoAnswerReason = other.NoAnswerReason;
        Citations = other.Citations;
        InvalidCitationMarkers = other.InvalidCitationMarkers;
        UsedFallback = other.UsedFallback;
        Sources = other.Sources;
        Mode = other.Mode;
        ModelId = other.ModelId;
        Usage = other.Usage;
        Timings = other.Timings;
        FromCache = other.FromCache;
        CostUsd = other.CostUsd;
    }

    /// <summary>Gets the answer text, with <c>[n]</c> citation markers; the no-answer text when <see cref="Answered"/> is <see langword="false"/>.</summary>
    public required string Text { get; init; }

    /// <summary>Gets a value indicating whether the question was answered (<see langword="false"/> for a refusal).</summary>
    public required bool Answered { get; init; }

    /// <summary>Gets why the question was not answered; <see langword="null"/> when it was.</summary>
    public NoAnswerReason? NoAnswerReason { get; init; }

    /// <summary>Gets the sources the text cites, in the order of their markers.</summary>
    public IReadOnlyList<Citation> Citations { get; init; } = [];

    /// <summary>
    /// Gets the <c>[n]</c> markers of the model's text that pointed at no source of the prompt, in order of appearance.
    /// They are removed from <see cref="Text"/>; a non-empty list means the model cited something it was not given.
    /// </summary>
    public IReadOnlyList<int> InvalidCitationMarkers { get; init; } = [];

    /// <summary>Gets a value indicating whether the base model answered because the fine-tuned model failed (<see cref="GenerationOptions.FallbackToBaseModel"/>); <see cref="ModelId"/> then names the base model.</summary>
    public bool UsedFallback { get; init; }

    /// <summary>
    /// Gets the sources the generator was given, in the prompt's numbering: a citation <c>[n]</c> (<see cref="Citation.Index"/>)
    /// is <c>Sources[n - 1]</c>. These are the retrieved chunks, best first, after the prompt dropped duplicates (same chunk or
    /// same text) and what did not fit its token budget — the same list the stream sends first
    /// (<see cref="AnswerUpdate.Sources"/>). On a refusal before any model call, what was retrieved (often nothing).
    /// </summary>
    public IReadOnlyList<RetrievedChunk> Sources { get; init; } = [];

    /// <summary>Gets the mode the answer was produced in.</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets the id of the model that generated the text; <see langword="null"/> when no model was called.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the tokens the model call consumed, when known.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Gets where the time went.</summary>
    public required AnswerTimings Timings { get; init; }

    /// <summary>
    /// Gets a value indicating whether the answer was served from the answer cache (<c>UseCaching()</c>): then no retrieval or model
    /// call was made, <see cref="CostUsd"/> is 0 and <see cref="Usage"/> is <see langword="null"/>.
    /// </summary>
    public bool FromCache { get; init; }

    /// <summary>Gets the cost of the answer in US dollars, or <see langword="null"/> when a price is unknown (never a made-up zero).</summary>
    public decimal? CostUsd { get; init; }
}
