using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>Exposes a <see cref="HybridAnswerer"/> as a tool a model can call (any <see cref="IChatClient"/> with function calling, or an agent).</summary>
public static class HybridAnswererFunctionExtensions
{
    /// <summary>The function name when none is given.</summary>
    public const string DefaultName = "search_knowledge_base";

    /// <summary>The function description when none is given.</summary>
    public const string DefaultDescription =
        "Answers a question from the organisation's knowledge base. Returns the answer with its numbered sources " +
        "(cite them as [n]), or a refusal with its reason when the knowledge base does not contain the answer.";

    /// <summary>
    /// Creates a function with one parameter, <c>question</c>, that answers it with <see cref="HybridAnswerer.AnswerAsync"/> and
    /// returns JSON: <c>{"answered":true,"answer":"… [1]","sources":[{"number":1,"title":…,"text":…,"documentId":…,"sourceUri":…}]}</c>,
    /// or <c>{"answered":false,"reason":"NoRelevantSources","explanation":…,"message":…,"sources":[…]}</c>. A source's
    /// <c>number</c> is the <c>[n]</c> of the answer text.
    /// </summary>
    /// <remarks>
    /// The model chooses the question and nothing else: the filter, the tenant, the mode, top-K and the relevance floor come
    /// from <paramref name="options"/>, bound by the host when the function is created, so a prompt cannot widen what it may
    /// read. Bad input from the model (an empty or too-long question) becomes an <see cref="ArgumentException"/>, which
    /// <c>FunctionInvokingChatClient</c> reports to the model as a failed call.
    /// </remarks>
    /// <param name="answerer">The answerer.</param>
    /// <param name="name">The function name the model sees; <see cref="DefaultName"/> when <see langword="null"/>.</param>
    /// <param name="description">What the model is told the function does; <see cref="DefaultDescription"/> when <see langword="null"/>.</param>
    /// <param name="options">The host's per-call options (filter, tenant, mode, top-K, floor) for every call; the configured defaults when <see langword="null"/>.</param>
    /// <returns>The function.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="answerer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="description"/> is empty or whitespace.</exception>
    public static AIFunction AsAIFunction(this HybridAnswerer answerer, string? name = null, string? description = null, AnswerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(answerer);
        if (name is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
        }

        if (description is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(description);
        }

        // Copied now: a host that changes its dictionary afterwards must not change what the function may read.
        var bound = options is null ? null : options with { Filter = options.Filter is null ? null : new Dictionary<string, string>(options.Filter, StringComparer.Ordinal) };
        return AIFunctionFactory.Create(
            async ([Description("The question to answer, in the user's words.")] string question, CancellationToken cancellationToken) =>
                ToJson(await answerer.AnswerAsync(question, bound, cancellationToken).ConfigureAwait(false)),
            new AIFunctionFactoryOptions { Name = name ?? DefaultName, Description = description ?? DefaultDescription });
    }

    /// <summary>The function's result: what the calling model needs to write a grounded reply, and nothing it should not see (no scores, no ids of other tenants).</summary>
    internal static JsonElement ToJson(Answer answer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("answered", answer.Answered);
            if (answer.Answered)
            {
                json.WriteString("answer", answer.Text);
            }
            else
            {
                var reason = answer.NoAnswerReason ?? HybridAnswer.NoAnswerReason.NoRelevantSources;
                json.WriteString("reason", reason.ToString());
                json.WriteString("explanation", Explain(reason));
                json.WriteString("message", answer.Text);
            }

            json.WriteStartArray("sources");
            for (var i = 0; i < answer.Sources.Count; i++)
            {
                var source = answer.Sources[i];
                json.WriteStartObject();
                json.WriteNumber("number", i + 1);
                json.WriteString("title", source.Title);

                // A document's own "[2]" is not a citation of source 2.
                json.WriteString("text", CitationParser.StripMarkers(source.Content));
                json.WriteString("documentId", source.DocumentId);
                if (source.SourceUri is not null)
                {
                    json.WriteString("sourceUri", source.SourceUri);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static string Explain(NoAnswerReason reason) => reason switch
    {
        HybridAnswer.NoAnswerReason.NoRelevantSources => "Nothing in the knowledge base is relevant enough to the question.",
        HybridAnswer.NoAnswerReason.InsufficientSupport => "Sources were found, but none of them supports an answer to the question.",
        HybridAnswer.NoAnswerReason.ModelDeclined => "The sources were read, and they do not contain the answer.",
        HybridAnswer.NoAnswerReason.FilterMatchedNothing => "No document is in scope for this conversation.",
        _ => "The knowledge base did not answer.",
    };
}
