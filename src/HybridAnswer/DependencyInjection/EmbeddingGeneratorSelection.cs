using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>
/// Which embedding generator the knowledge base uses: the one chosen with <c>UseEmbeddingGenerator(...)</c> (registered under
/// <see cref="HybridAnsweringServiceKeys.EmbeddingGenerator"/>), else the host's unkeyed one, else the hashing embedder — but
/// never the hashing embedder while the host registered a real one under some other key: that fails validation at start
/// (an <see cref="IValidateOptions{TOptions}"/> run by <c>ValidateOnStart</c>, and by the first <c>IOptions.Value</c>), since
/// silently embedding with the lexical fallback would fill a pgvector table with vectors of the wrong model and dimension.
/// </summary>
internal sealed class EmbeddingGeneratorSelection(IServiceCollection services) : IValidateOptions<HybridAnsweringOptions>
{
    /// <summary>The factory of the hashing fallback; its descriptor is recognised by this delegate.</summary>
    public static readonly Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> HashingFallback = _ => new HashingEmbeddingGenerator();

    /// <summary>The embedding generator of the knowledge base.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> Resolve(IServiceProvider services) =>
        CachingServices.WrapEmbeddingGenerator(
            services,
            services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(HybridAnsweringServiceKeys.EmbeddingGenerator)
            ?? services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

    public ValidateOptionsResult Validate(string? name, HybridAnsweringOptions options)
    {
        var registered = services.Where(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>)).ToList();
        if (registered.Any(d => d.IsKeyedService && Equals(d.ServiceKey, HybridAnsweringServiceKeys.EmbeddingGenerator)) ||
            registered.Any(d => !d.IsKeyedService && !ReferenceEquals(d.ImplementationFactory, HashingFallback)))
        {
            return ValidateOptionsResult.Skip;
        }

        var keys = registered.Where(d => d.IsKeyedService).Select(d => d.ServiceKey).ToList();
        if (keys.Count == 0)
        {
            return ValidateOptionsResult.Skip;
        }

        var listed = string.Join(", ", keys.Select(k => k is string s ? $"\"{s}\"" : k?.ToString() ?? "null"));
        return ValidateOptionsResult.Fail(
            $"An IEmbeddingGenerator<string, Embedding<float>> is registered under the key {listed}, but HybridAnswer uses the " +
            "unkeyed one and would fall back to its hashing embedder. Choose it with AddHybridAnswering().UseEmbeddingGenerator(serviceKey: " +
            $"{listed.Split(", ")[0]}) (or register the generator without a key).");
    }
}
