// The smallest HybridAnswer program: in memory, offline (the hashing embedder and the extractive generator stand in for
// real models), two documents, one question, the answer with its citations.
//
//   dotnet run --project examples/Minimal
//   dotnet run --project examples/Minimal -- "Do you ship to Canada?"
using HybridAnswer;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddHybridAnswering();
await using var provider = services.BuildServiceProvider();

await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("policies/returns", "Returns", "You can return any item within 30 days of delivery for a full refund."),
    new KnowledgeDocument("policies/shipping", "Shipping", "We ship to the United States and Canada. Delivery takes 3 to 5 business days."),
]);

var question = args.Length > 0 ? string.Join(' ', args) : "How many days do I have to return an item?";
var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync(question);

Console.WriteLine(answer.Answered ? answer.Text : $"No answer ({answer.NoAnswerReason}): {answer.Text}");
foreach (var citation in answer.Citations)
{
    Console.WriteLine($"[{citation.Index}] {citation.Title} ({citation.DocumentId}, score {citation.Score:0.000})");
}
