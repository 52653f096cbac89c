// One knowledge base, several customers' knowledge: every document carries a TenantId, every question names the tenant it
// is asked for (AnswerOptions.TenantId), and retrieval only ever sees that tenant's chunks. With MultiTenant on, a document
// or a question without a tenant is rejected rather than silently searched across everyone.
//
//   dotnet run --project examples/MultiTenant
using HybridAnswer;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddHybridAnswering().UseInMemoryKnowledgeBase(o => o.MultiTenant = true);
await using var provider = services.BuildServiceProvider();

await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("warranty", "Acme warranty", "Acme cordless drills carry a 5 year warranty on motor and battery.") { TenantId = "acme" },
    new KnowledgeDocument("shipping", "Globex shipping", "Globex ships parcels within 2 business days.") { TenantId = "globex" },
]);

var answerer = provider.GetRequiredService<HybridAnswerer>();
const string question = "How long is the warranty on cordless drills?";
foreach (var tenant in new[] { "acme", "globex" })
{
    var answer = await answerer.AnswerAsync(question, new AnswerOptions { TenantId = tenant });
    Console.WriteLine($"{tenant}: {(answer.Answered ? answer.Text : $"no answer ({answer.NoAnswerReason})")}");
    Console.WriteLine($"  sources: {string.Join(", ", answer.Sources.Select(s => $"{s.TenantId}/{s.DocumentId}"))}");

    // The guarantee the example is about: nothing of another tenant reaches the prompt, the sources or the citations.
    if (answer.Sources.Any(s => s.TenantId != tenant))
    {
        Console.Error.WriteLine($"{tenant} saw another tenant's knowledge.");
        return 1;
    }
}

return 0;
