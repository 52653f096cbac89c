using HybridAnswer.Storage;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace HybridAnswer.PgVector;

/// <summary>
/// The wire contract of the retrieval statements (<see cref="PgVectorSearchSql"/>): the ten typed parameters they take and the
/// row they return, in one place, so the statement text and its binding cannot drift apart.
/// </summary>
internal static class PgVectorSearchBinding
{
    /// <summary>Adds $1–$10 to a search statement: query vector, tenant, filter (jsonpath), query text, candidates, score floor, RRF k,
    /// top-K, and the two documents of the predicate of <paramref name="indexedFilter"/>'s own index (empty documents without one).</summary>
    public static void Bind(NpgsqlBatchCommand search, PgVectorSchema schema, RetrievalRequest request, float[] query, int candidates, KeyValuePair<string, string>? indexedFilter = null)
    {
        search.Parameters.Add(schema.HalfPrecision
            ? new NpgsqlParameter<HalfVector> { TypedValue = PgVectorSchema.ToHalfVector(query), DataTypeName = "halfvec" }
            : new NpgsqlParameter<Vector> { TypedValue = new Vector(query), DataTypeName = "vector" });
        search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(request.TenantId), NpgsqlDbType = NpgsqlDbType.Text });
        search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.FilterPath(request.Filter), NpgsqlDbType = NpgsqlDbType.JsonPath });
        search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TextAnalyzer.WithoutStopWords(request.Query), NpgsqlDbType = NpgsqlDbType.Text });
        search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = candidates, NpgsqlDbType = NpgsqlDbType.Integer });
        search.Parameters.Add(new NpgsqlParameter<double> { TypedValue = request.MinScore ?? -2.0, NpgsqlDbType = NpgsqlDbType.Double });
        search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = schema.Options.RrfK, NpgsqlDbType = NpgsqlDbType.Integer });
        search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.TopK, NpgsqlDbType = NpgsqlDbType.Integer });
        var (scalar, list) = indexedFilter is { } indexed ? PgVectorFilterIndexes.Predicate(indexed.Key, indexed.Value) : ("{}", "{}");
        search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scalar, NpgsqlDbType = NpgsqlDbType.Jsonb });
        search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = list, NpgsqlDbType = NpgsqlDbType.Jsonb });
    }

    /// <summary>Reads one result row: document_id, ordinal, title, content, metadata, source_uri, tenant_id, score.</summary>
    public static RetrievedChunk Read(NpgsqlDataReader reader)
    {
        var documentId = reader.GetString(0);
        var ordinal = reader.GetInt32(1);
        var tenant = reader.GetString(6);
        var (metadata, multiValued) = PgVectorJson.DeserializeMetadata(reader.GetString(4));
        return new RetrievedChunk
        {
            ChunkId = DocumentChunk.CreateId(documentId, ordinal),
            DocumentId = documentId,
            Ordinal = ordinal,
            Title = reader.GetString(2),
            Content = reader.GetString(3),
            Metadata = metadata,
            MultiValuedMetadata = multiValued,
            SourceUri = reader.IsDBNull(5) ? null : reader.GetString(5),
            TenantId = tenant.Length == 0 ? null : tenant,
            Score = reader.GetDouble(7),
        };
    }
}
