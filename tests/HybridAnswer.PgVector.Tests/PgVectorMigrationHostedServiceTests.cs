using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary><c>MigratePgVectorOnStartup()</c> in a real Generic Host against the cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorMigrationHostedServiceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task StartAsync_FreshDatabase_SchemaExistsBeforeAnyRequest()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHybridAnswering().UsePgVector(dataSource).MigratePgVectorOnStartup();
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            // Nothing asked the knowledge base anything: the host's start created the schema.
            await using var version = dataSource.CreateCommand("SELECT max(version) FROM hybridanswer_chunks_schema_version");
            Assert.Equal(host.Services.GetRequiredService<PgVectorKnowledgeBase>().SchemaVersion, await version.ExecuteScalarAsync());
            await using var table = dataSource.CreateCommand("SELECT to_regclass('public.hybridanswer_chunks') IS NOT NULL");
            Assert.Equal(true, await table.ExecuteScalarAsync());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task StartAsync_UserMayNotCreateTheExtension_HostFailsToStartWithTheReason()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await using (var drop = dataSource.CreateCommand("DROP EXTENSION vector"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var role = $"ha_app_{Guid.NewGuid():N}";
        await using (var create = dataSource.CreateCommand($"CREATE ROLE {role} LOGIN; GRANT CREATE ON SCHEMA public TO {role}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(dataSource)) { Username = role, Pooling = false };
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddHybridAnswering().UsePgVector(connection.ConnectionString).MigratePgVectorOnStartup();
            using var host = builder.Build();

            var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => host.StartAsync());

            Assert.False(error.IsTransient);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            Assert.Contains("may not create the pgvector extension", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await using var cleanup = dataSource.CreateCommand($"DROP OWNED BY {role}; DROP ROLE {role}");
            await cleanup.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task StartAsync_WithoutTheCall_NothingCreated()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHybridAnswering().UsePgVector(dataSource);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        await using var tables = dataSource.CreateCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }
}
