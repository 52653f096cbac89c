using System.Numerics.Tensors;

namespace HybridAnswer.InMemory;

/// <summary>One immutable state of the in-memory store: chunks, their embeddings in one row-major matrix, and the keyword index.
/// Readers hold a snapshot for the whole search, so a search never observes half an upsert.</summary>
internal sealed class InMemorySnapshot
{
    public static readonly InMemorySnapshot Empty = new([], 0);

    private readonly float[] _matrix;

    private InMemorySnapshot(StoredChunk[] chunks, int dimensions)
    {
        Chunks = chunks;
        Dimensions = dimensions;
        _matrix = new float[chunks.Length * dimensions];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i].Vector.CopyTo(_matrix, i * dimensions);
        }

        Documents = chunks.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.First().ContentHash);
        HasTenants = Documents.Keys.Any(k => k.TenantId is not null);
        Bm25 = new Bm25Index([.. chunks.Select(c => c.Terms)]);
    }

    public StoredChunk[] Chunks { get; }

    /// <summary>Gets the dimensions of every vector, 0 while empty.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the content hash of every stored document.</summary>
    public Dictionary<DocumentKey, string> Documents { get; }

    public bool HasTenants { get; }

    public Bm25Index Bm25 { get; }

    public static InMemorySnapshot Create(IEnumerable<StoredChunk> chunks)
    {
        var all = chunks.ToArray();
        return all.Length == 0 ? Empty : new InMemorySnapshot(all, all[0].Vector.Length);
    }

    public float Cosine(int chunk, float[] query) => TensorPrimitives.Dot(_matrix.AsSpan(chunk * Dimensions, Dimensions), query);

    /// <summary>The exact top-k by cosine among the eligible chunks at or above the floor, best first.</summary>
    public List<(int Item, double Score)> TopByCosine(float[] query, int k, Func<int, bool>? eligible, double minScore)
    {
        // A bounded min-heap keeps the k best; the filter is applied before ranking, so a selective
        // filter still yields k results whenever k chunks match it.
        var heap = new PriorityQueue<int, float>(k + 1);
        var matrix = _matrix.AsSpan();
        var d = Dimensions;
        for (var i = 0; i < Chunks.Length; i++)
        {
            if (eligible is not null && !eligible(i))
            {
                continue;
            }

            var score = TensorPrimitives.Dot(matrix.Slice(i * d, d), query);
            if (score < minScore)
            {
                continue;
            }

            if (heap.Count < k)
            {
                heap.Enqueue(i, score);
            }
            else if (heap.TryPeek(out _, out var worst) && score > worst)
            {
                heap.DequeueEnqueue(i, score);
            }
        }

        var result = new List<(int, double)>(heap.Count);
        while (heap.TryDequeue(out var chunk, out var score))
        {
            result.Add((chunk, score));
        }

        result.Reverse();
        return result;
    }

    /// <summary>One stored chunk with what search needs of it.</summary>
    internal sealed record StoredChunk(DocumentKey Key, KnowledgeDocument Document, string ContentHash, DocumentChunk Chunk, IReadOnlyDictionary<string, int> Terms, float[] Vector)
    {
        public RetrievedChunk ToRetrieved(double score) => new()
        {
            ChunkId = Chunk.ChunkId,
            DocumentId = Document.Id,
            Ordinal = Chunk.Ordinal,
            Title = Document.Title,
            Content = Chunk.Content,
            Score = score,
            Metadata = Document.Metadata,
            SourceUri = Document.SourceUri,
            TenantId = Document.TenantId,
            Embedding = Vector,
        };
    }
}
