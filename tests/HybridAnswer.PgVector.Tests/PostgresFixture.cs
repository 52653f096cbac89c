using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// The PostgreSQL + pgvector cluster started by <c>scripts/test.sh</c>, shared by all
/// integration tests. Each test asks for its own database (<see cref="CreateDatabaseAsync"/>)
/// so tests never see each other's tables; the databases are dropped when the run ends.
/// </summary>
/// <remarks>
/// A missing cluster is a failure, never a skip: a green run that silently skipped every
/// integration test would claim coverage it does not have.
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ConnectionVariable = "HYBRIDANSWER_TEST_CONNECTION";
    public const string PgBinVariable = "HYBRIDANSWER_TEST_PGBIN";
    public const string PgDataVariable = "HYBRIDANSWER_TEST_PGDATA";
    public const string PgLogVariable = "HYBRIDANSWER_TEST_PGLOG";

    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentBag<(string Name, NpgsqlDataSource DataSource)> _databases = [];

    // Administrative work (CREATE/DROP DATABASE) opens a fresh connection each time, so a
    // server restart by a fault test never leaves a dead pooled connection behind here.
    private readonly NpgsqlDataSource _admin;

    public PostgresFixture()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{ConnectionVariable} is not set. The integration tests need a real PostgreSQL with pgvector: " +
                "run scripts/test.sh, which starts PostgreSQL with pgvector and sets it.");
        }

        ConnectionString = connectionString;
        PgBin = Environment.GetEnvironmentVariable(PgBinVariable);
        PgData = Environment.GetEnvironmentVariable(PgDataVariable);
        PgLog = Environment.GetEnvironmentVariable(PgLogVariable);
        _admin = new NpgsqlDataSourceBuilder(ConnectionString)
        {
            ConnectionStringBuilder = { Pooling = false },
        }.Build();
    }

    /// <summary>Connection string of the run's default database (<c>hybridanswer_test</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The server's bin directory (<c>pg_ctl</c>, <c>psql</c>), for fault tests.</summary>
    public string? PgBin { get; }

    /// <summary>The cluster's data directory, for fault tests.</summary>
    public string? PgData { get; }

    /// <summary>The server log file the cluster writes to.</summary>
    public string? PgLog { get; }

    /// <summary>
    /// Creates a new, uniquely named database with the <c>vector</c> extension and returns a
    /// pooled data source for it with pgvector types mapped (<c>UseVector()</c>). The caller
    /// may dispose the data source; the fixture disposes it and drops the database at the end.
    /// </summary>
    public async Task<NpgsqlDataSource> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        // Generated, so safe to splice: identifiers cannot be parameters.
        var name = $"ha_test_{Guid.NewGuid():N}";

        await using (var create = _admin.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.ConnectionStringBuilder.Database = name;

        // The extension must exist before the data source loads its type catalogue,
        // otherwise the vector type is unknown to it.
        var extensionConnectionString = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false };
        await using (var connection = new NpgsqlConnection(extensionConnectionString.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("CREATE EXTENSION vector", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        builder.UseVector();
        var dataSource = builder.Build();
        _databases.Add((name, dataSource));
        return dataSource;
    }

    /// <summary>
    /// Restarts the cluster (<c>pg_ctl restart -w -m fast</c>) and returns once it accepts
    /// connections again. Connections open at the time are terminated, as in a real failover;
    /// pooled connections of existing data sources are broken until the pool notices.
    /// </summary>
    public Task RestartServerAsync(CancellationToken cancellationToken = default) => PgCtlAsync("restart", cancellationToken);

    /// <summary>Stops the cluster (fast shutdown: open connections are terminated), as in a crash or failover; <see cref="StartServerAsync"/> brings it back.</summary>
    public Task StopServerAsync(CancellationToken cancellationToken = default) => PgCtlAsync("stop", cancellationToken);

    /// <summary>Starts the cluster stopped by <see cref="StopServerAsync"/>.</summary>
    public Task StartServerAsync(CancellationToken cancellationToken = default) => PgCtlAsync("start", cancellationToken);

    private async Task PgCtlAsync(string action, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(PgBin) || string.IsNullOrEmpty(PgData))
        {
            throw new InvalidOperationException(
                $"{PgBinVariable} and {PgDataVariable} must be set to restart the server; run scripts/test.sh.");
        }

        var pgCtl = Path.Combine(PgBin, "pg_ctl");
        string[] pgCtlArguments =
        [
            "-D", PgData,
            // Without -l the restarted server would inherit our redirected stdout and
            // ReadToEndAsync below would wait for it to exit.
            "-l", PgLog ?? Path.Combine(PgData, "restart.log"),
            "-w", "-t", "60", "-m", "fast", action,
        ];

        // PostgreSQL refuses to run as root; scripts/test.sh runs the cluster as 'postgres' then.
        var startInfo = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. pgCtlArguments])
            : new ProcessStartInfo(pgCtl, pgCtlArguments);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RestartTimeout);

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pg_ctl {action} failed with exit code {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (name, dataSource) in _databases)
        {
            await dataSource.DisposeAsync();

            // FORCE: a test that leaked a connection must not keep its database alive.
            await using var drop = _admin.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }

        await _admin.DisposeAsync();
    }
}
