namespace HybridAnswer.PgVector.Tests;

/// <summary>The PostgreSQL + pgvector store under the store conformance suites, each test in a database of its own.</summary>
public sealed class PgVectorStoreFixture(PostgresFixture postgres, PgVectorStorage storage = PgVectorStorage.Float32) : KnowledgeStoreFixture
{
    // Half precision keeps the cosine to about three decimals.
    public override int ScorePrecision => storage == PgVectorStorage.Float16 ? 2 : 4;

    // Without a filter the search walks the HNSW graph.
    public override bool ExactUnfilteredSearch => false;

    public override async Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default)
    {
        var dataSource = await postgres.CreateDatabaseAsync(cancellationToken);
        var settings = new PgVectorKnowledgeBaseOptions { MultiTenant = options.MultiTenant, RetrievalKind = options.RetrievalKind, VectorStorage = storage };
        settings.EmbeddingBatchSize = options.EmbeddingBatchSize ?? settings.EmbeddingBatchSize;
        var store = new PgVectorKnowledgeBase(dataSource, options.Embedder, settings, options.Chunking);
        return new ConformanceStore(store, store, async () =>
        {
            await store.DisposeAsync();
            await dataSource.DisposeAsync();
        });
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PgVectorIngestConformanceTests(PostgresFixture postgres) : IngestConformanceTests(new PgVectorStoreFixture(postgres));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHalfvecIngestConformanceTests(PostgresFixture postgres) : IngestConformanceTests(new PgVectorStoreFixture(postgres, PgVectorStorage.Float16));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorRetrievalConformanceTests(PostgresFixture postgres) : RetrievalConformanceTests(new PgVectorStoreFixture(postgres));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHalfvecRetrievalConformanceTests(PostgresFixture postgres) : RetrievalConformanceTests(new PgVectorStoreFixture(postgres, PgVectorStorage.Float16));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorFilterConformanceTests(PostgresFixture postgres) : FilterConformanceTests(new PgVectorStoreFixture(postgres));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorTenantConformanceTests(PostgresFixture postgres) : TenantConformanceTests(new PgVectorStoreFixture(postgres));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHybridSearchConformanceTests(PostgresFixture postgres) : HybridSearchConformanceTests(new PgVectorStoreFixture(postgres))
;

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHalfvecHybridSearchConformanceTests(PostgresFixture postgres) : HybridSearchConformanceTests(new PgVectorStoreFixture(postgres, PgVectorStorage.Float16))
;

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHostileContentConformanceTests(PostgresFixture postgres) : HostileContentConformanceTests(new PgVectorStoreFixture(postgres));

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHalfvecHostileContentConformanceTests(PostgresFixture postgres) : HostileContentConformanceTests(new PgVectorStoreFixture(postgres, PgVectorStorage.Float16));
