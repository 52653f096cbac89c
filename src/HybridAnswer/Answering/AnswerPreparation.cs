using HybridAnswer.Storage;

namespace HybridAnswer;

/// <summary>
/// Everything between a validated call and the model: retrieval (at most top-K; whether the filter itself matched nothing),
/// the customer lookup, and the prompt — made here once (<see cref="PromptBuilder.Create"/>), so that <c>[n]</c> means the same
/// source to the generator, to the stream's sources and to the citation check. One path for the plain and the streaming answer.
/// </summary>
internal sealed class AnswerPreparation
{
    private readonly IRetriever _retriever;
    private readonly ICustomerContextProvider? _customers;
    private readonly bool _toBudget;

    /// <param name="retriever">Finds the sources.</param>
    /// <param name="customers">Supplies customer facts; optional.</param>
    /// <param name="toBudget">Whether the generator sends the prompt to a model, so its sources are packed into the token budget
    /// (<see cref="PromptBuilder.Create"/>); <see langword="false"/> for the extractive generator, which reads them directly.</param>
    public AnswerPreparation(IRetriever retriever, ICustomerContextProvider? customers, bool toBudget = true)
    {
        _retriever = retriever;
        _customers = customers;
        _toBudget = toBudget;
    }

    /// <summary>
    /// Retrieves at most top-K sources, unless the mode does not retrieve. The score floor is not applied here but inside the
    /// pipeline, directly around the store, so that a reranker above it may return scores on its own scale.
    /// </summary>
    public async Task<RetrievedSources> RetrieveAsync(AnswerCall call, AnswerTelemetry telemetry, CancellationToken cancellationToken)
    {
        if (!call.Retrieves)
        {
            return RetrievedSources.Skipped;
        }

        var request = call.ToRetrievalRequest();
        var retrieval = await telemetry.TraceRetrievalAsync(async () =>
            AtMostTopK(await _retriever.RetrieveAsync(request, cancellationToken).ConfigureAwait(false), call.TopK)).ConfigureAwait(false);

        // Only on the way to a refusal, and only when the store can tell: did the filter itself rule out every document?
        // A typo in a filter must not read as "the knowledge base has no answer".
        return retrieval.Sources.Count == 0 && request.Filter.Count > 0 && _retriever.GetService<IFilterProbe>() is { } probe
            && !await probe.MatchesAnyAsync(request, cancellationToken).ConfigureAwait(false)
            ? retrieval with { FilterMatchedNothing = true }
            : retrieval;
    }

    /// <summary>
    /// The request to generate, carrying its prompt, or <see langword="null"/> to refuse because a grounded mode has no source to
    /// ground in: nothing retrieved (then no customer lookup either), or nothing left after packing the sources into the token budget.
    /// </summary>
    public async Task<GenerationRequest?> PrepareAsync(HybridAnsweringOptions options, AnswerCall call, RetrievedSources retrieval, AnswerTelemetry telemetry, CancellationToken cancellationToken)
    {
        if (call.Retrieves && retrieval.Sources.Count == 0)
        {
            return null;
        }

        telemetry.Stage = "prompt";
        var customer = call.CustomerId is not null && _customers is not null
            ? await _customers.GetCustomerContextAsync(call.CustomerId, cancellationToken).ConfigureAwait(false)
            : null;
        var prompt = PromptBuilder.Create(Request(options, call, retrieval.Sources) with { Customer = customer }, options.Prompt, _toBudget);
        telemetry.Stage = "generation";
        return call.Retrieves && prompt.Sources.Count == 0
            ? null
            : prompt.Request with { Prompt = prompt };
    }

    /// <summary>The sources a prompt for this call would carry, without generating (<see cref="HybridAnswerer.RetrieveAsync"/>).</summary>
    public async Task<IReadOnlyList<RetrievedChunk>> SourcesAsync(HybridAnsweringOptions options, AnswerCall call, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("hybrid_answer.retrieve");
        var retrieved = AtMostTopK(await _retriever.RetrieveAsync(call.ToRetrievalRequest(), cancellationToken).ConfigureAwait(false), call.TopK);
        activity?.SetTag(Telemetry.HitsTag, retrieved.Count);
        return PromptBuilder.Create(Request(options, call, retrieved), options.Prompt).Sources;
    }

    private static GenerationRequest Request(HybridAnsweringOptions options, AnswerCall call, IReadOnlyList<RetrievedChunk> sources) => new()
    {
        Question = call.Question,
        Mode = call.Mode,
        Sources = sources,
        NoAnswerText = options.NoAnswerText,
        MaxAnswerTokens = options.Prompt.MaxAnswerTokens,
    };

    /// <summary>
    /// Top-K is cut once, where the ranking is (the store, or a reranker choosing among more candidates); this only holds a
    /// decorator that returns more than asked to the contract, without copying the list of one that keeps it.
    /// </summary>
    private static IReadOnlyList<RetrievedChunk> AtMostTopK(IReadOnlyList<RetrievedChunk>? chunks, int topK) =>
        chunks is null ? throw new InvalidOperationException("The retriever returned null.")
        : chunks.Count <= topK ? chunks
        : [.. chunks.Take(topK)];
}
