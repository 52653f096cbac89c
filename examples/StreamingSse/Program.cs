// Streaming answers over server-sent events from an ASP.NET Core minimal API. GET /ask?q=... answers with
//   event: sources   the retrieved chunks, numbered as the answer's [n] markers cite them   (once, first)
//   event: delta     a piece of answer text, as the model produces it                       (zero or more)
//   event: answer    the finished answer: text, citations, refusal reason, usage, cost       (once, last)
// and GET /answer?q=... returns the same finished answer as one JSON object, without streaming.
// Enums are written as strings ("mode": "Rag", "noAnswerReason": "NoRelevantSources"), not numbers.
// Offline defaults (hashing embedder, extractive generator): no model, no network.
//
//   dotnet run --project examples/StreamingSse -- --urls http://127.0.0.1:5080
//   curl -N "http://127.0.0.1:5080/ask?q=How+many+days+do+I+have+to+return+an+item%3F"
//   curl "http://127.0.0.1:5080/answer?q=How+many+days+do+I+have+to+return+an+item%3F"
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using HybridAnswer;
using Microsoft.AspNetCore.Http.HttpResults;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHybridAnswering();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
var app = builder.Build();

// Ingest before the server listens, so the first request already finds the knowledge.
await app.Services.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("policies/returns", "Returns", "You can return any item within 30 days of delivery for a full refund.") { SourceUri = "https://shop.example/returns" },
    new KnowledgeDocument("policies/shipping", "Shipping", "We ship to the United States and Canada. Delivery takes 3 to 5 business days.") { SourceUri = "https://shop.example/shipping" },
    new KnowledgeDocument("policies/warranty", "Warranty", "Every appliance carries a 2 year warranty covering parts and labour.") { SourceUri = "https://shop.example/warranty" },
]);

app.MapGet("/ask", Results<ServerSentEventsResult<object>, BadRequest<string>> (string q, HybridAnswerer answerer, CancellationToken cancellationToken) =>
{
    try
    {
        // AnswerStreamingAsync checks the question before the first event, so a bad one is a 400 and not a broken stream.
        return TypedResults.ServerSentEvents(ToEvents(answerer.AnswerStreamingAsync(q, cancellationToken: cancellationToken), cancellationToken));
    }
    catch (ArgumentException e)
    {
        return TypedResults.BadRequest(e.Message);
    }
});

// The answer as one JSON object. A DTO rather than Answer itself: Answer.Sources carries each chunk's text and embedding.
app.MapGet("/answer", async Task<Results<Ok<AnswerEvent>, BadRequest<string>>> (string q, HybridAnswerer answerer, CancellationToken cancellationToken) =>
{
    try
    {
        return TypedResults.Ok(AnswerEvent.From(await answerer.AnswerAsync(q, cancellationToken: cancellationToken)));
    }
    catch (ArgumentException e)
    {
        return TypedResults.BadRequest(e.Message);
    }
});

await app.RunAsync();

static async IAsyncEnumerable<SseItem<object>> ToEvents(IAsyncEnumerable<AnswerUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
{
    await foreach (var update in updates.WithCancellation(cancellationToken))
    {
        if (update.Sources is { } sources)
        {
            yield return new SseItem<object>(sources.Select((s, i) => new SourceEvent(i + 1, s.ChunkId, s.DocumentId, s.Title, s.Score, s.SourceUri)).ToList(), "sources");
        }
        else if (update.Completed is { } answer)
        {
            yield return new SseItem<object>(AnswerEvent.From(answer), "answer");
        }
        else
        {
            yield return new SseItem<object>(new DeltaEvent(update.Text), "delta");
        }
    }
}

/// <summary>A retrieved chunk; <paramref name="Index"/> is the number the answer's <c>[n]</c> markers use.</summary>
internal sealed record SourceEvent(int Index, string ChunkId, string DocumentId, string Title, double Score, string? SourceUri);

/// <summary>A piece of answer text.</summary>
internal sealed record DeltaEvent(string Text);

/// <summary>The finished answer.</summary>
internal sealed record AnswerEvent(
    string Text,
    bool Answered,
    NoAnswerReason? NoAnswerReason,
    AnswerMode Mode,
    string? ModelId,
    IReadOnlyList<Citation> Citations,
    TokenUsage? Usage,
    decimal? CostUsd,
    double TotalMs)
{
    public static AnswerEvent From(Answer answer) =>
        new(answer.Text, answer.Answered, answer.NoAnswerReason, answer.Mode, answer.ModelId, answer.Citations, answer.Usage, answer.CostUsd, answer.Timings.Total.TotalMilliseconds);
}
