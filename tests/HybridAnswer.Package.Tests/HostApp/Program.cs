using HybridAnswer;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddSingleton<IChatClient, EchoChatClient>();
services.AddHybridAnswering(o => o.BaseModel = "host-base-model")
        .UseFineTunedModel("ft:gpt-4o-mini:host::pkgtest");

await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

var ingest = await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("returns", "Returns policy", "You can return any item within 30 days of delivery for a full refund. Items must be unused and in their original packaging."),
    new KnowledgeDocument("shipping", "Shipping", "We ship to the United States and Canada. Standard delivery takes 3 to 5 business days."),
]);
Console.WriteLine($"ingested={ingest.Added}");

var answerer = provider.GetRequiredService<HybridAnswerer>();
foreach (var mode in new[] { AnswerMode.Rag, AnswerMode.FineTuned, AnswerMode.Hybrid })
{
    var answer = await answerer.AnswerAsync("How many days do I have to return an item?", new AnswerOptions { Mode = mode });
    var cited = string.Join(",", answer.Citations.Select(c => c.DocumentId));
    Console.WriteLine($"mode={answer.Mode} model={answer.ModelId} answered={answer.Answered} citations={answer.Citations.Count} cited={cited} text={answer.Text}");
}
