using HybridAnswer.Storage;

namespace HybridAnswer.InMemory;

/// <summary>One immutable state of the in-memory store: chunks, their embeddings in one row-major matrix, and the keyword index.
/// Readers hold a snapshot for the whole search, so a search never observes half an upsert.</summary>
internal sealed class InMemorySnapshot
{
    public static readonly InMemorySnapshot Empty = new([], 0);

    // A metadata key never contains NUL (KnowledgeText checks), so this key cannot clash with one.
    private const string TenantKey = "\0tenant";

    private readonly float[] _matrix;
    private readonly Dictionary<(string Key, string Value), int[]> _postings;

    private InMemorySnapshot(StoredChunk[] chunks, int dimensions)
    {
        Chunks = chunks;
        Dimensions = dimensions;
        _matrix = new float[chunks.Length * dimensions];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i].Vector.CopyTo(_matrix, i * dimensions);
        }

        // The inverted index of metadata values and tenants: a filtered search scans only the rows in it, never tests every row.
        var postings = new Dictionary<(string, string), List<int>>();
        for (var i = 0; i < chunks.Length; i++)
        {
            Add(postings, (TenantKey, chunks[i].Key.TenantId ?? string.Empty), i);
            foreach (var (key, value) in chunks[i].Document.Metadata)
            {
                Add(postings, (key, value), i);
            }

            // A list is a multi-valued field: the row is under each of its values (once, however often a value repeats).
            foreach (var (key, values) in chunks[i].Document.MultiValuedMetadata)
            {
                foreach (var value in values.Distinct(StringComparer.Ordinal))
                {
                    Add(postings, (key, value), i);
                }
            }
        }

        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray());
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

    /// <summary>The cosine of a chunk and a unit query: the same arithmetic as the scans (<see cref="DotProducts"/>), so the same score.</summary>
    public float Cosine(int chunk, float[] query) => DotProducts.Dot(query, _matrix.AsSpan(chunk * Dimensions, Dimensions));

    /// <summary>
    /// The rows a tenant and filter allow, ascending; <see langword="null"/> when every row is eligible. An intersection of the
    /// posting lists, smallest first, so its cost follows the rarest condition, not the table.
    /// </summary>
    public int[]? EligibleRows(string? tenantId, IReadOnlyDictionary<string, string> filter)
    {
        if (filter.Count == 0 && !HasTenants && tenantId is null)
        {
            return null;
        }

        var lists = new List<int[]>(filter.Count + 1);
        foreach (var condition in filter.Select(f => (f.Key, f.Value)).Prepend((TenantKey, tenantId ?? string.Empty)))
        {
            if (!_postings.TryGetValue(condition, out var rows))
            {
                return [];
            }

            // A condition every row meets (the tenant of a single-tenant store) narrows nothing: intersecting with it would
            // copy the other list on every query.
            if (rows.Length < Chunks.Length)
            {
                lists.Add(rows);
            }
        }

        if (lists.Count == 0)
        {
            return null;
        }

        lists.Sort((a, b) => a.Length.CompareTo(b.Length));
        var result = lists[0];
        for (var l = 1; l < lists.Count && result.Length > 0; l++)
        {
            result = Intersect(result, lists[l]);
        }

        return result;
    }

    /// <summary>The exact top-k by cosine among the eligible rows (all when <paramref name="rows"/> is null) at or above the floor, best first.</summary>
    /// <remarks>Only eligible rows are read, so a selective filter costs less than none and still yields k results whenever k chunks
    /// match it; a scan large enough to pay is split over up to <paramref name="maxThreads"/> threads (<see cref="ExactScan"/>).</remarks>
    public List<(int Item, double Score)> TopByCosine(float[] query, int k, int[]? rows, double minScore, int maxThreads = 1,
        long minFloatsPerRange = ExactScan.MinFloatsPerRange) =>
        ExactScan.Top(_matrix, Dimensions, Chunks.Length, query, k, rows, minScore, maxThreads, minFloatsPerRange);

    private static void Add(Dictionary<(string, string), List<int>> postings, (string, string) key, int row)
    {
        if (!postings.TryGetValue(key, out var rows))
        {
            postings[key] = rows = [];
        }

        rows.Add(row);
    }

    private static int[] Intersect(int[] small, int[] large)
    {
        var result = new List<int>(small.Length);
        int i = 0, j = 0;
        while (i < small.Length && j < large.Length)
        {
            if (small[i] == large[j])
            {
                result.Add(small[i]);
                i++;
                j++;
            }
            else if (small[i] < large[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return [.. result];
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
            MultiValuedMetadata = Document.MultiValuedMetadata,
            SourceUri = Document.SourceUri,
            TenantId = Document.TenantId,
            Embedding = Vector,
        };
    }
}
