using Npgsql;
using Pgvector;

namespace HybridAnswer.PgVector.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task CreateDatabaseAsync_NewDatabase_HasVectorExtensionAtLeast080()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();

        await using var command = dataSource.CreateCommand(
            "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
        var version = (string?)await command.ExecuteScalarAsync();

        Assert.NotNull(version);
        // HNSW iterative scans (used for filtered retrieval) arrived in 0.8.0.
        Assert.True(Version.Parse(version) >= new Version(0, 8, 0), $"pgvector {version} is older than 0.8.0");
    }

    [Fact]
    public async Task CreateDatabaseAsync_CalledTwice_ReturnsSeparateDatabases()
    {
        await using var first = await postgres.CreateDatabaseAsync();
        await using var second = await postgres.CreateDatabaseAsync();

        var firstName = new NpgsqlConnectionStringBuilder(first.ConnectionString).Database;
        var secondName = new NpgsqlConnectionStringBuilder(second.ConnectionString).Database;

        Assert.NotEqual(firstName, secondName);
        await using var command = second.CreateCommand("SELECT current_database()");
        Assert.Equal(secondName, (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task NearestNeighbour_HnswCosineIndex_ReturnsClosestRowAndRoundTripsVector()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await using var connection = await dataSource.OpenConnectionAsync();

        await ExecuteAsync(connection, """
            CREATE TABLE items (id int PRIMARY KEY, embedding vector(3) NOT NULL);
            CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_cosine_ops);
            """);

        float[][] embeddings = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]];
        for (var id = 0; id < embeddings.Length; id++)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO items (id, embedding) VALUES ($1, $2)", connection);
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(new Vector(embeddings[id]));
            await insert.ExecuteNonQueryAsync();
        }

        // A four-row table would be sequentially scanned; forbid that so the HNSW index answers.
        await ExecuteAsync(connection, "SET enable_seqscan = off");
        const string nearest = "SELECT id, embedding FROM items ORDER BY embedding <=> $1 LIMIT 1";
        var query = new Vector(new float[] { 0.1f, 0.9f, 0.05f });

        await using (var explain = new NpgsqlCommand("EXPLAIN " + nearest, connection))
        {
            explain.Parameters.AddWithValue(query);
            var plan = string.Join('\n', await ReadAllAsync(explain));
            Assert.Contains("items_embedding_hnsw", plan, StringComparison.Ordinal);
        }

        await using var select = new NpgsqlCommand(nearest, connection);
        select.Parameters.AddWithValue(query);
        await using var reader = await select.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.Equal(embeddings[1], reader.GetFieldValue<Vector>(1).ToArray());
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task RestartServerAsync_ServerRunning_ComesBackWithNewStartTime()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var before = await StartTimeAsync(dataSource);

        await postgres.RestartServerAsync();

        // The pool's connection died with the old server; start clean.
        dataSource.Clear();
        var after = await StartTimeAsync(dataSource);
        Assert.True(after > before, $"server start time {after:O} is not after {before:O}");

        static async Task<DateTime> StartTimeAsync(NpgsqlDataSource dataSource)
        {
            await using var command = dataSource.CreateCommand("SELECT pg_postmaster_start_time()");
            return (DateTime)(await command.ExecuteScalarAsync())!;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand command)
    {
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
