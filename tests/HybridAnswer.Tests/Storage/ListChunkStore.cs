using System.Numerics.Tensors;
using HybridAnswer.Storage;

namespace HybridAnswer.Tests.Storage;

/// <summary>
/// The smallest store on the public seam: a list, brute-force dot products, equality filters. Written against public types only
/// (no internal of the core), so it shows what a store outside this repository implements. Declares what it is told to.
/// </summary>
internal sealed class ListChunkStore(ChunkStoreCapabilities capabilities) : IChunkStore
{
    private readonly Lock _lock = new();
    private List<(DocumentWrite Document, EmbeddedChunk Chunk)> _chunks = [];

    public ChunkStoreCapabilities Capabilities => capabilities;

    public int? Dimensions => _chunks.Count == 0 ? null : _chunks[0].Chunk.Vector.Length;

    public int MaxChunksPerWrite => 100;

    public int Searches { get; private set; }

    public float[]? LastQueryVector { get; private set; }

    public Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        var stored = _chunks.Select(c => c.Document).Distinct().ToDictionary(d => d.Key, d => d.ContentHash);
        return Task.FromResult<IReadOnlyDictionary<DocumentKey, string>>(keys.Where(stored.ContainsKey).ToDictionary(k => k, k => stored[k]));
    }

    public Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        var replaced = documents.Select(d => d.Key).ToHashSet();
        lock (_lock)
        {
            _chunks = [.. _chunks.Where(c => !replaced.Contains(c.Document.Key)), .. documents.SelectMany(d => d.Chunks.Select(c => (d, c)))];
        }

        return Task.CompletedTask;
    }

    public Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var existed = _chunks.Select(c => c.Document.Key).Distinct().Count(keys.Contains);
            _chunks = [.. _chunks.Where(c => !keys.Contains(c.Document.Key))];
            return Task.FromResult(existed);
        }
    }

    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _chunks.Where(c => c.Document.Key.TenantId == tenantId).Select(c => c.Document.Key.Id).Distinct().Order(StringComparer.Ordinal)]);

    public Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(_chunks.Any(c => Matches(c.Document, request)));

    public Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken)
    {
        Searches++;
        LastQueryVector = queryVector;
        IReadOnlyList<RetrievedChunk> found = [.. _chunks
            .Where(c => Matches(c.Document, request))
            .Select(c => (c, Score: queryVector is null ? 0.5 : (double)TensorPrimitives.Dot(c.Chunk.Vector, queryVector)))
            .OrderByDescending(s => s.Score)
            .Take(request.TopK)
            .Select(s => new RetrievedChunk
            {
                ChunkId = s.c.Chunk.Chunk.ChunkId,
                DocumentId = s.c.Chunk.Chunk.DocumentId,
                Ordinal = s.c.Chunk.Chunk.Ordinal,
                Title = s.c.Document.Document.Title,
                Content = s.c.Chunk.Chunk.Content,
                Score = s.Score,
                Metadata = s.c.Document.Document.Metadata,
                TenantId = s.c.Document.Key.TenantId,
            })];
        return Task.FromResult(found);
    }

    private static bool Matches(DocumentWrite document, RetrievalRequest request) =>
        document.Key.TenantId == request.TenantId &&
        request.Filter.All(f => document.Document.Metadata.TryGetValue(f.Key, out var value) && value == f.Value);
}
