using HybridAnswer;
using HybridAnswer.PgVector;
using Microsoft.Extensions.DependencyInjection;

// No server is needed: the knowledge base connects on first use, and the schema script is built from the options alone.
var services = new ServiceCollection();
services.AddHybridAnswering().UsePgVector("Host=127.0.0.1;Port=1;Database=none", o => o.Dimensions = 8);
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();
Console.WriteLine($"knowledge-base={knowledgeBase.GetType().FullName}");
var script = PgVectorKnowledgeBase.CreateSchemaScript(new PgVectorKnowledgeBaseOptions { Dimensions = 8 });
Console.WriteLine($"script-has-hnsw={script.Contains("USING hnsw", StringComparison.Ordinal)}");
