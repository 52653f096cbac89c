using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Every PostgreSQL failure surfaces as one <see cref="PgVectorStoreException"/> whose <see cref="PgVectorStoreException.IsTransient"/>
/// tells a host 503 (try again later) from 500 (someone must fix something): reproduced against the real cluster.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorStoreExceptionTests(PostgresFixture postgres)
{
    private static readonly KnowledgeDocument[] Kettle = [new("kettle", "EK-17 kettle", "The kettle boils 1.7 litres in four minutes.")];

    [Fact]
    public async Task CountAsync_ServerRefusesConnections_TransientWithOperationAndNpgsqlCause()
    {
        await using var dataSource = new NpgsqlDataSourceBuilder("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2").Build();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.CountAsync());

        Assert.True(error.IsTransient);
        Assert.Null(error.SqlState);
        Assert.Equal("migrating", error.Operation);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        Assert.Contains("PostgreSQL at '127.0.0.1' could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_ServerStoppedBeforeTheWrite_Transient()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Kettle);

        PgVectorStoreException error;
        await postgres.StopServerAsync();
        try
        {
            error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.DeleteAsync(["kettle"]));
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        Assert.True(error.IsTransient);
        Assert.Equal("deleting documents", error.Operation);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    [Fact]
    public async Task UpsertAsync_TableMissingAndAutoMigrateOff_NotTransientWithMigrateHint()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), new() { AutoMigrate = false });

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.UpsertAsync(Kettle));

        Assert.False(error.IsTransient);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);
        Assert.Contains("public.hybridanswer_chunks does not exist: run 'hybrid-answer migrate'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveAsync_TableDroppedAfterStart_NotTransientWithMigrateHint()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16));
        await knowledgeBase.UpsertAsync(Kettle);
        await using (var drop = dataSource.CreateCommand("DROP TABLE hybridanswer_chunks"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle")));

        Assert.False(error.IsTransient);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);
        Assert.Equal("retrieving", error.Operation);
        Assert.Contains("Run 'hybrid-answer migrate'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveAsync_UserWithoutPrivileges_NotTransientInsufficientPrivilege()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16)).UpsertAsync(Kettle);
        var role = $"ha_reader_{Guid.NewGuid():N}";
        await ExecuteAsync(dataSource, $"CREATE ROLE {role} LOGIN");
        try
        {
            await using var restricted = Build(new NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(dataSource)) { Username = role, Pooling = false });
            var knowledgeBase = new PgVectorKnowledgeBase(restricted, TestEmbedder.Hashing(16), new() { AutoMigrate = false });

            var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle")));

            Assert.False(error.IsTransient);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ExecuteAsync(dataSource, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task MigrateAsync_UserMayNotCreateTheExtension_NotTransientWithWhatToDo()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(dataSource, "DROP EXTENSION vector");
        var role = $"ha_owner_{Guid.NewGuid():N}";
        await ExecuteAsync(dataSource, $"CREATE ROLE {role} LOGIN; GRANT CREATE ON SCHEMA public TO {role}");
        try
        {
            await using var restricted = Build(new NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(dataSource)) { Username = role, Pooling = false });
            var knowledgeBase = new PgVectorKnowledgeBase(restricted, TestEmbedder.Hashing(16));

            var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.MigrateAsync());

            Assert.False(error.IsTransient);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            Assert.Equal("migrating", error.Operation);
            Assert.Contains("may not create the pgvector extension", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ExecuteAsync(dataSource, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task MigrateAsync_TableHasOtherDimensions_NotTransient()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(16)).MigrateAsync();

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(32)).MigrateAsync());

        Assert.False(error.IsTransient);
        Assert.Contains("stores vector(16) embeddings", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure, true)]   // also a standby's "conflict with recovery"
    [InlineData(PostgresErrorCodes.DeadlockDetected, true)]
    [InlineData(PostgresErrorCodes.AdminShutdown, true)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, true)]       // the server is starting up or in recovery
    [InlineData(PostgresErrorCodes.TooManyConnections, true)]
    [InlineData(PostgresErrorCodes.LockNotAvailable, true)]
    [InlineData(PostgresErrorCodes.QueryCanceled, true)]          // the statement timeout
    [InlineData(PostgresErrorCodes.ConnectionFailure, true)]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege, false)]
    [InlineData(PostgresErrorCodes.UndefinedTable, false)]
    [InlineData(PostgresErrorCodes.UndefinedFile, false)]         // pgvector not installed on the server
    [InlineData(PostgresErrorCodes.SyntaxError, false)]
    [InlineData(PostgresErrorCodes.InvalidTextRepresentation, false)]
    public void IsTransient_ServerReportedSqlState_Classified(string sqlState, bool transient)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(transient, PgVectorErrors.IsTransient(error));
    }

    private static NpgsqlDataSource Build(NpgsqlConnectionStringBuilder connection)
    {
        var builder = new NpgsqlDataSourceBuilder(connection.ConnectionString);
        builder.UseVector();
        return builder.Build();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
