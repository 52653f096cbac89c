using System.CommandLine;
using HybridAnswer.Embeddings.MiniLM;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>--embedder minilm|hashing</c> and <c>--no-embedding-cache</c>: which embedding model a command uses. MiniLM (the default)
/// is a real local semantic model; its embeddings are kept in a file cache so a folder is embedded once. Hashing is the lexical
/// embedder of the core library: no model, no cache needed.
/// </summary>
internal sealed class EmbedderOptions
{
    public const string MiniLM = "minilm";
    public const string Hashing = "hashing";

    private readonly Option<string> _embedder = new("--embedder")
    {
        Description = "Embedding model: minilm (local semantic model all-MiniLM-L6-v2, the default) or hashing (lexical, no model).",
        DefaultValueFactory = _ => MiniLM,
    };

    private readonly Option<bool> _noCache = new("--no-embedding-cache")
    {
        Description = "Do not read or write the embedding cache (default: the user's cache folder, or HYBRIDANSWER_CACHE_DIR).",
    };

    // Off by default: measured on four corpora (docs/benchmarks.md, issue 22) it raised hit@1 on two and lowered it on the other two.
    private readonly Option<bool> _rerank = new("--rerank")
    {
        Description = "Rerank twice top-k candidates by their best passage's similarity to the question before the top-k cut (MiniLM only; experimental, off by default).",
    };

    public EmbedderOptions() => _embedder.AcceptOnlyFromAmong(MiniLM, Hashing);

    public void AddTo(Command command)
    {
        command.Options.Add(_embedder);
        command.Options.Add(_noCache);
        command.Options.Add(_rerank);
    }

    public void Register(HybridAnsweringBuilder builder, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(_embedder) != MiniLM)
        {
            return;
        }

        builder.UseMiniLMEmbeddings();
        if (parse.GetValue(_rerank))
        {
            Rerank(builder.Services);
        }

        if (parse.GetValue(_noCache))
        {
            return;
        }

        // The library's own caching, with the user's cache folder as HybridCache's second level: asking about the same folder
        // again embeds nothing but the question.
        builder.Services.AddSingleton<IDistributedCache>(_ => new FileDistributedCache(FileDistributedCache.DefaultDirectory()));
        builder.UseCaching(o =>
        {
            o.CacheAnswers = false;
            o.EmbeddingExpiration = TimeSpan.FromDays(30);
        });
    }

    /// <summary>
    /// Wraps the knowledge base's retriever (the <see cref="IRetriever"/> service, which <c>eval</c> measures and the answerer
    /// builds its pipeline on) in the passage reranker, using the embedder the knowledge base embeds with.
    /// </summary>
    private static void Rerank(IServiceCollection services)
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IRetriever) && !d.IsKeyedService);
        if (inner is null)
        {
            return;
        }

        services.Remove(inner);
        services.AddSingleton<IRetriever>(sp => new SentenceReranker(
            inner.ImplementationInstance as IRetriever ?? inner.ImplementationFactory?.Invoke(sp) as IRetriever ?? (IRetriever)ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()));
    }
}
