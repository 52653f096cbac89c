// HybridAnswer on PostgreSQL + pgvector: the knowledge base is a table (created and migrated on first use), searched by
// vector similarity and full-text rank fused in one SQL statement. Embedder and generator stay the offline defaults.
//
//   dotnet run --project examples/PostgreSql -- "Host=localhost;Username=postgres;Password=...;Database=shop"
//   HYBRIDANSWER_CONNECTION="Host=..." dotnet run --project examples/PostgreSql   (the variable the CLI's --connection defaults to)
//
// The database needs the vector extension available (CREATE EXTENSION vector is run when missing).
using HybridAnswer;
using Microsoft.Extensions.DependencyInjection;

const string connectionVariable = "HYBRIDANSWER_CONNECTION";
var connectionString = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable(connectionVariable);
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.WriteLine("No PostgreSQL connection string given. Run it with one:");
    Console.WriteLine("  dotnet run --project examples/PostgreSql -- \"Host=localhost;Username=postgres;Database=shop\"");
    Console.WriteLine($"or set {connectionVariable}.");
    return 0;
}

var services = new ServiceCollection();
services.AddHybridAnswering()
    .UsePgVector(connectionString, o => o.Table = "example_chunks");
await using var provider = services.BuildServiceProvider();

// Re-running is cheap: unchanged documents are recognised by their hash and not embedded again.
var ingest = await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("policies/returns", "Returns", "You can return any item within 30 days of delivery for a full refund."),
    new KnowledgeDocument("policies/shipping", "Shipping", "We ship to the United States and Canada. Delivery takes 3 to 5 business days."),
]);
Console.WriteLine($"Ingested: {ingest.Added} added, {ingest.Updated} updated, {ingest.Unchanged} unchanged.");

var question = args.Length > 1 ? string.Join(' ', args[1..]) : "Do you ship to Canada?";
var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync(question);
Console.WriteLine(answer.Answered ? answer.Text : $"No answer ({answer.NoAnswerReason}): {answer.Text}");
foreach (var citation in answer.Citations)
{
    Console.WriteLine($"[{citation.Index}] {citation.Title} ({citation.DocumentId})");
}

return 0;
