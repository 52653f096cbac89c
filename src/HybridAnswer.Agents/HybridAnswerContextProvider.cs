using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Agents;

/// <summary>
/// Grounds an Agent Framework agent in a HybridAnswer knowledge base: before each model call it retrieves for the conversation's
/// last user message (with the host's filter, tenant, top-K and relevance floor, through the answerer's retrieval pipeline), adds
/// the sources as a numbered, delimited <c>&lt;sources&gt;</c> block and instructions to cite them as <c>[n]</c>; after the call
/// it maps the response's <c>[n]</c> markers back to <see cref="Citation"/>s (<see cref="GetCitations"/>).
/// </summary>
/// <remarks>
/// Thread-safe and shareable between agents and sessions: the sources and citations of a turn are kept in the session's
/// <see cref="AgentSession.StateBag"/>, not in the provider, so they survive session serialisation.
/// </remarks>
public sealed class HybridAnswerContextProvider : AIContextProvider
{
    private readonly HybridAnswerer _answerer;
    private readonly AnswerOptions? _answerOptions;
    private readonly string _instructions;
    private readonly string? _noSourcesInstructions;
    private readonly int _maxQueryLength;

    /// <summary>Initializes a new provider.</summary>
    /// <param name="answerer">The answerer whose retrieval pipeline finds the sources.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Read once, here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="answerer"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><see cref="HybridAnswerContextProviderOptions.Instructions"/> is empty or <see cref="HybridAnswerContextProviderOptions.MaxQueryLength"/> is out of range (the message names the key).</exception>
    public HybridAnswerContextProvider(HybridAnswerer answerer, HybridAnswerContextProviderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(answerer);
        options ??= new HybridAnswerContextProviderOptions();
        OptionsValidation.ThrowIfInvalid(new HybridAnswerContextProviderOptionsValidator(), options);
        _answerer = answerer;

        // Copied now: a host that changes its dictionary afterwards must not change what the provider may read.
        _answerOptions = options.AnswerOptions is { } bound
            ? bound with { Filter = bound.Filter is null ? null : new Dictionary<string, string>(bound.Filter, StringComparer.Ordinal) }
            : null;
        _instructions = options.Instructions;
        _noSourcesInstructions = options.NoSourcesInstructions;
        _maxQueryLength = options.MaxQueryLength;
    }

    /// <summary>Gets the key under which a session's state (the last turn's sources and citations) is kept in its <see cref="AgentSession.StateBag"/>.</summary>
    public override IReadOnlyList<string> StateKeys { get; } = [nameof(HybridAnswerContextProvider)];

    /// <summary>Gets the sources given to the model in the session's last turn, numbered by position (<c>[n]</c> is the n-th).</summary>
    /// <param name="session">The agent session.</param>
    /// <returns>The sources; empty before the first turn or when nothing relevant was found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<RetrievedChunk> GetSources(AgentSession session) => Read(session).Sources;

    /// <summary>Gets the citations of the session's last response: its <c>[n]</c> markers mapped to the sources of that turn, in order of first appearance.</summary>
    /// <param name="session">The agent session.</param>
    /// <returns>The citations; empty when the response cited nothing (or before the first response).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<Citation> GetCitations(AgentSession session) => Read(session).Citations;

    /// <inheritdoc />
    protected override async ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var question = LastUserText(context.AIContext.Messages);
        if (question is null)
        {
            return new AIContext();
        }

        var sources = await _answerer.RetrieveAsync(question, _answerOptions, cancellationToken).ConfigureAwait(false);
        Write(context.Session, new TurnState { Sources = [.. sources.Select(s => s with { Embedding = default })] });
        if (sources.Count == 0)
        {
            return new AIContext { Instructions = _noSourcesInstructions };
        }

        return new AIContext
        {
            Instructions = _instructions,
            Messages = [new ChatMessage(ChatRole.User, "Sources for the question above:\n" + NumberedSources.Format(sources))],
        };
    }

    /// <inheritdoc />
    protected override ValueTask StoreAIContextAsync(InvokedContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Session is { } session && context.ResponseMessages is { } responses)
        {
            var state = Read(session);
            var text = string.Join("\n", responses.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text));
            Write(session, state with { Citations = [.. NumberedSources.Cite(text, state.Sources)] });
        }

        return default;
    }

    /// <summary>The text of the last user message, cut to the query limit from its end; <see langword="null"/> when there is none.</summary>
    private string? LastUserText(IEnumerable<ChatMessage>? messages)
    {
        var text = messages?.LastOrDefault(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text))?.Text.Trim();
        return text is null ? null : text.Length <= _maxQueryLength ? text : text[^_maxQueryLength..].Trim();
    }

    private TurnState Read(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.StateBag.TryGetValue<TurnState>(StateKeys[0], out var state, AgentsJson.StateOptions) && state is not null ? state : TurnState.Empty;
    }

    private void Write(AgentSession? session, TurnState state) => session?.StateBag.SetValue(StateKeys[0], state, AgentsJson.StateOptions);
}
