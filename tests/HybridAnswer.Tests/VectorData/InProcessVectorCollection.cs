using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using HybridAnswer.VectorData;
using Microsoft.Extensions.VectorData;

namespace HybridAnswer.Tests.VectorData;

/// <summary>
/// A Microsoft.Extensions.VectorData collection held in memory, written to the abstraction's documented contract (no connector is
/// served here): GetAsync returns null for a missing key; upsert creates or replaces; delete ignores missing keys; a filter applies
/// before top and Skip; vectors are returned only with IncludeVectors; SearchAsync ranks by cosine similarity (the definition's
/// distance function), highest first, with the similarity as Score; HybridSearchAsync fuses the vector ranking and a keyword ranking
/// (keyword occurrences in the full-text indexed Content) by reciprocal rank, as connectors' hybrid search does. Records are copied
/// in and out, like a database, so a caller cannot change stored state through a reference.
/// </summary>
internal class InProcessVectorCollection : VectorStoreCollection<string, KnowledgeChunkRecord>
{
    private readonly ConcurrentDictionary<string, KnowledgeChunkRecord> _records = new(StringComparer.Ordinal);
    private bool _exists;

    public override string Name => "knowledge";

    public int Count => _records.Count;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_exists);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        _exists = true;
        return Task.CompletedTask;
    }

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _exists = false;
        _records.Clear();
        return Task.CompletedTask;
    }

    public override Task<KnowledgeChunkRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<KnowledgeChunkRecord?>(cancellationToken) : Task.FromResult(_records.TryGetValue(key, out var record) ? Copy(record, options?.IncludeVectors ?? false) : null);

    public override async IAsyncEnumerable<KnowledgeChunkRecord> GetAsync(Expression<Func<KnowledgeChunkRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<KnowledgeChunkRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var matches = _records.Values.Where(filter.Compile());
        if (options?.OrderBy is { } orderBy)
        {
            foreach (var sort in orderBy(new FilteredRecordRetrievalOptions<KnowledgeChunkRecord>.OrderByDefinition()).Values)
            {
                var key = sort.PropertySelector.Compile();
                matches = sort.Ascending ? matches.OrderBy(key, Comparer<object?>.Create(Compare)) : matches.OrderByDescending(key, Comparer<object?>.Create(Compare));
            }
        }

        foreach (var record in matches.Skip(options?.Skip ?? 0).Take(top).ToList())
        {
            await Task.Yield();
            yield return Copy(record, options?.IncludeVectors ?? false);
        }
    }

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _records.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public override Task UpsertAsync(KnowledgeChunkRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _records[record.Key] = Copy(record, includeVectors: true);
        return Task.CompletedTask;
    }

    public override async Task UpsertAsync(IEnumerable<KnowledgeChunkRecord> records, CancellationToken cancellationToken = default)
    {
        foreach (var record in records)
        {
            await UpsertAsync(record, cancellationToken);
        }
    }

    public override async IAsyncEnumerable<VectorSearchResult<KnowledgeChunkRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<KnowledgeChunkRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (record, score) in VectorRanking(Vector(searchValue), options?.Filter).Skip(options?.Skip ?? 0).Take(top).ToList())
        {
            await Task.Yield();
            yield return new VectorSearchResult<KnowledgeChunkRecord>(Copy(record, options?.IncludeVectors ?? false), score);
        }
    }

    public async IAsyncEnumerable<VectorSearchResult<KnowledgeChunkRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<KnowledgeChunkRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        const int rrfK = 60;
        var vector = VectorRanking(Vector(searchValue), options?.Filter).Select((r, i) => (r.Record, Rank: i)).ToDictionary(p => p.Record.Key, p => p.Rank);
        // Keyword ranking as full-text engines do it (BM25 over whole tokens): a rare term weighs more than a common one, and a
        // term's weight saturates with its count in a text.
        cancellationToken.ThrowIfCancellationRequested();
        var candidates = _records.Values.Where(options?.Filter?.Compile() ?? (_ => true)).Select(r => (Record: r, Tokens: Tokens(r.Content))).ToList();
        var terms = keywords.Select(k => k.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var averageLength = candidates.Count == 0 ? 1 : Math.Max(1, candidates.Average(c => c.Tokens.Count));
        var idf = terms.ToDictionary(t => t, t =>
        {
            var containing = candidates.Count(c => c.Tokens.Contains(t));
            return Math.Log(1 + ((candidates.Count - containing + 0.5) / (containing + 0.5)));
        }, StringComparer.Ordinal);
        var keyword = candidates
            .Select(c => (c.Record, Score: terms.Sum(t => Bm25(c.Tokens.Count(w => w == t), c.Tokens.Count, averageLength) * idf[t])))
            .Where(p => p.Score > 0).OrderByDescending(p => p.Score).ThenBy(p => p.Record.Key, StringComparer.Ordinal)
            .Select((p, i) => (p.Record, Rank: i)).ToDictionary(p => p.Record.Key, p => p.Rank);
        var fused = vector.Keys.Union(keyword.Keys)
            .Select(key => (Record: _records[key], Score: (vector.TryGetValue(key, out var v) ? 1.0 / (rrfK + v + 1) : 0) + (keyword.TryGetValue(key, out var w) ? 1.0 / (rrfK + w + 1) : 0)))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Record.Key, StringComparer.Ordinal);
        foreach (var (record, score) in fused.Skip(options?.Skip ?? 0).Take(top).ToList())
        {
            await Task.Yield();
            yield return new VectorSearchResult<KnowledgeChunkRecord>(Copy(record, options?.IncludeVectors ?? false), score);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    private IEnumerable<(KnowledgeChunkRecord Record, double Score)> VectorRanking(ReadOnlyMemory<float> query, Expression<Func<KnowledgeChunkRecord, bool>>? filter) =>
        _records.Values.Where(filter?.Compile() ?? (_ => true))
            .Select(r => (Record: r, Score: (double)TensorPrimitives.CosineSimilarity(r.Embedding.Span, query.Span)))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Record.Key, StringComparer.Ordinal);

    private static ReadOnlyMemory<float> Vector<TInput>(TInput value) => value switch
    {
        ReadOnlyMemory<float> memory => memory,
        float[] array => array,
        _ => throw new NotSupportedException($"Search input of type {typeof(TInput)} is not supported; pass ReadOnlyMemory<float>."),
    };

    // A full-text index's tokens: words with their inner punctuation ("qx-7731"), lower-cased; a keyword matches a whole token.
    private static List<string> Tokens(string text) =>
        [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim(TokenPunctuation).ToLowerInvariant()).Where(w => w.Length > 0)];

    private static readonly char[] TokenPunctuation = ['.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>'];

    private static double Bm25(int count, int length, double averageLength)
    {
        const double k1 = 1.2, b = 0.75;
        return count == 0 ? 0 : count * (k1 + 1) / (count + (k1 * (1 - b + (b * length / averageLength))));
    }

    private static int Compare(object? a, object? b) => a is string x && b is string y ? string.CompareOrdinal(x, y) : Comparer<object>.Default.Compare(a, b);

    protected static KnowledgeChunkRecord Copy(KnowledgeChunkRecord r, bool includeVectors) => new()
    {
        Key = r.Key,
        TenantId = r.TenantId,
        DocumentId = r.DocumentId,
        Ordinal = r.Ordinal,
        ChunkCount = r.ChunkCount,
        Title = r.Title,
        Content = r.Content,
        ContentHash = r.ContentHash,
        SourceUri = r.SourceUri,
        Tags = [.. r.Tags],
        MetadataJson = r.MetadataJson,
        Embedding = includeVectors ? r.Embedding.ToArray() : default,
    };
}

/// <summary>The in-process collection with hybrid search, as connectors with full-text indexes (Azure AI Search, Qdrant, ...) offer it.</summary>
internal sealed class InProcessHybridVectorCollection : InProcessVectorCollection, IKeywordHybridSearchable<KnowledgeChunkRecord>;
