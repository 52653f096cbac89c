using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary><c>AddHealthChecks().AddPgVectorKnowledgeBase()</c> against the real primary and standby.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorHealthCheckTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Check_MigratedSchema_HealthyWithVersions()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await using var provider = Provider(b => b.UsePgVector(dataSource));
        var version = await provider.GetRequiredService<PgVectorKnowledgeBase>().MigrateAsync();

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal($"public.hybridanswer_chunks at schema version {version}.", entry.Description);
        Assert.Equal(version, entry.Data["schemaVersion"]);
        Assert.Equal(version, entry.Data["requiredSchemaVersion"]);
        Assert.False(string.IsNullOrEmpty((string)entry.Data["pgvectorVersion"]));
    }

    [Fact]
    public async Task Check_TenantPartitionsSwitchedOnAfterVersion3_UnhealthyNamingTheMissingVersion2()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await using (var plain = Provider(b => b.UsePgVector(dataSource, configure: o => o.MultiTenant = true)))
        {
            Assert.Equal(3, await plain.GetRequiredService<PgVectorKnowledgeBase>().MigrateAsync());
        }

        // Version 2 is optional and below the highest version recorded: "version < required" alone would call this healthy.
        await using var provider = Provider(b => b.UsePgVector(dataSource, configure: o => (o.MultiTenant, o.TenantPartitions, o.AutoMigrate) = (true, 2, false)));
        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("The schema of public.hybridanswer_chunks is at version 3 but lacks version 2, which these options need: run 'hybrid-answer migrate'.", entry.Description);
        Assert.Equal(3, entry.Data["schemaVersion"]);
        Assert.Equal("2", entry.Data["pendingSchemaVersions"]);

        Assert.Equal(3, await provider.GetRequiredService<PgVectorKnowledgeBase>().MigrateAsync());
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);
    }

    [Fact]
    public async Task Check_TableMissingAutoMigrateOff_UnhealthyWithWhatToDo()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await using var provider = Provider(b => b.UsePgVector(dataSource, configure: o => o.AutoMigrate = false));

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(
            "The table public.hybridanswer_chunks does not exist: run 'hybrid-answer migrate' (or the script of --print-sql), or enable AutoMigrate.",
            entry.Description);
        Assert.IsType<PgVectorStoreException>(entry.Exception);
    }

    [Fact]
    public async Task Check_TableMissingAutoMigrateOn_DegradedAndCreatesNothing()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await using var provider = Provider(b => b.UsePgVector(dataSource));

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("does not exist", entry.Description, StringComparison.Ordinal);
        Assert.Contains("created on first use (AutoMigrate)", entry.Description, StringComparison.Ordinal);
        await using var tables = dataSource.CreateCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Check_ServerUnreachable_UnhealthyTransient()
    {
        await using var provider = Provider(b => b.UsePgVector("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2"));

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("PostgreSQL at '127.0.0.1' could not be reached", entry.Description, StringComparison.Ordinal);
        Assert.Equal(true, entry.Data["transient"]);
    }

    [Fact]
    public async Task Check_FailureStatusGiven_ReportedInsteadOfUnhealthy()
    {
        await using var provider = Provider(b => b.UsePgVector("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2"), HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, (await CheckAsync(provider)).Status);
    }

    [Fact]
    public async Task Check_ReadReplicaDown_DegradedThenHealthyWhenItIsBack()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var standby = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(postgres.StandbyConnectionStringFor(dataSource)) { Timeout = 2 }.ConnectionString);
        standby.UseVector();
        await using var read = standby.Build();
        await using var provider = Provider(b => b.UsePgVector(dataSource, read));
        await provider.GetRequiredService<PgVectorKnowledgeBase>().MigrateAsync();
        await postgres.WaitForStandbyAsync();
        var up = await CheckAsync(provider);
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(true, up.Data["readReplicaInRecovery"]);

        HealthReportEntry down;
        await postgres.StopStandbyAsync();
        try
        {
            down = await CheckAsync(provider);
        }
        finally
        {
            await postgres.StartStandbyAsync();
        }

        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.StartsWith("The read replica is unreachable; searches read the primary meanwhile.", down.Description, StringComparison.Ordinal);
        await postgres.WaitForStandbyAsync();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);
    }

    private static ServiceProvider Provider(Action<HybridAnsweringBuilder> choose, HealthStatus? failureStatus = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        choose(services.AddHybridAnswering());
        services.AddHealthChecks().AddPgVectorKnowledgeBase(failureStatus: failureStatus);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[PgVectorHealthChecksBuilderExtensions.DefaultName];
    }
}
