using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// One prompt, made once by <see cref="PromptBuilder.Create"/>: the sources packed into the token budget (numbered from 1, so
/// <c>[n]</c> is <c>Sources[n - 1]</c> to every generator and to the citation check) and the chat messages that carry them. The
/// answerer makes it and hands it to the generator inside the <see cref="GenerationRequest"/>; a chat generator sends its
/// <see cref="Messages"/> as they are.
/// </summary>
internal sealed class Prompt
{
    private readonly GenerationRequest _request;
    private readonly PromptOptions _options;
    private List<ChatMessage>? _messages;

    internal Prompt(GenerationRequest request, PromptOptions options)
    {
        _request = request;
        _options = options;
    }

    /// <summary>Gets the request the prompt was made for, its sources packed.</summary>
    public GenerationRequest Request => _request;

    /// <summary>Gets the packed sources, best first.</summary>
    public IReadOnlyList<RetrievedChunk> Sources => _request.Sources;

    /// <summary>Gets the system and user messages, built on first use (a caller that only wants the sources never builds them).</summary>
    public IReadOnlyList<ChatMessage> Messages => _messages ??= PromptBuilder.Build(_request, _options);

    /// <summary>
    /// Gets whether this prompt was made for <paramref name="request"/>: a decorator that changed the question, the mode, the
    /// sources or the customer on its way to the generator gets a prompt made for what it sends, not a stale one.
    /// </summary>
    public bool IsFor(GenerationRequest request) =>
        ReferenceEquals(request.Sources, _request.Sources)
        && request.Mode == _request.Mode
        && ReferenceEquals(request.Customer, _request.Customer)
        && string.Equals(request.Question, _request.Question, StringComparison.Ordinal)
        && string.Equals(request.NoAnswerText, _request.NoAnswerText, StringComparison.Ordinal);
}
