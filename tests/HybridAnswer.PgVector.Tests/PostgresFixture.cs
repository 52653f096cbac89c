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
    public const string StandbyConnectionVariable = "HYBRIDANSWER_TEST_STANDBY_CONNECTION";
    public const string StandbyPgDataVariable = "HYBRIDANSWER_TEST_STANDBY_PGDATA";
    public const string StandbyPgLogVariable = "HYBRIDANSWER_TEST_STANDBY_PGLOG";

    /// <summary>How long <see cref="WaitForStandbyAsync"/> waits for the standby to replay what the primary wrote.</summary>
    public static readonly TimeSpan ReplayTimeout = TimeSpan.FromSeconds(30);

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
        StandbyConnectionString = Environment.GetEnvironmentVariable(StandbyConnectionVariable);
        StandbyPgData = Environment.GetEnvironmentVariable(StandbyPgDataVariable);
        StandbyPgLog = Environment.GetEnvironmentVariable(StandbyPgLogVariable);
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

    /// <summary>Connection string of the streaming standby of the cluster (<c>pg_basebackup -R</c>, second loopback port), default database.</summary>
    public string? StandbyConnectionString { get; }

    /// <summary>The standby's data directory, for fault tests.</summary>
    public string? StandbyPgData { get; }

    /// <summary>The standby's server log file.</summary>
    public string? StandbyPgLog { get; }

    /// <summary>The connection string of <paramref name="database"/> (a data source of <see cref="CreateDatabaseAsync"/>) on the primary.</summary>
    public string PrimaryConnectionString(NpgsqlDataSource database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database }.ConnectionString;

    /// <summary>The connection string of <paramref name="database"/> (a data source of <see cref="CreateDatabaseAsync"/>) on the standby.</summary>
    /// <exception cref="InvalidOperationException">No standby was started (run scripts/test.sh).</exception>
    public string StandbyConnectionStringFor(NpgsqlDataSource database) =>
        new NpgsqlConnectionStringBuilder(RequireStandby()) { Database = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database }.ConnectionString;

    /// <summary>
    /// Waits until the standby has replayed everything the primary had written when this was called (its WAL insert position),
    /// so a database or rows just created on the primary are readable there. Fails after <see cref="ReplayTimeout"/>.
    /// </summary>
    public async Task WaitForStandbyAsync(CancellationToken cancellationToken = default)
    {
        string target;
        await using (var command = _admin.CreateCommand("SELECT pg_current_wal_insert_lsn()::text"))
        {
            target = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        var standby = new NpgsqlConnectionStringBuilder(RequireStandby()) { Database = "postgres", Pooling = false }.ConnectionString;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(standby);
                await connection.OpenAsync(cancellationToken);
                await using var check = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", connection) { Parameters = { new() { Value = target } } };
                if (await check.ExecuteScalarAsync(cancellationToken) is true)
                {
                    return;
                }
            }
            catch (NpgsqlException) when (stopwatch.Elapsed < ReplayTimeout)
            {
                // The standby is (re)starting; try again.
            }

            if (stopwatch.Elapsed >= ReplayTimeout)
            {
                throw new TimeoutException($"The standby did not replay the primary's WAL up to {target} within {ReplayTimeout.TotalSeconds} s.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Stops the standby (fast shutdown); <see cref="StartStandbyAsync"/> brings it back.</summary>
    public Task StopStandbyAsync(CancellationToken cancellationToken = default) => PgCtlAsync(RequireStandbyData(), StandbyPgLog, "stop", cancellationToken);

    /// <summary>Starts the standby stopped by <see cref="StopStandbyAsync"/>; it resumes streaming from the primary.</summary>
    public Task StartStandbyAsync(CancellationToken cancellationToken = default) => PgCtlAsync(RequireStandbyData(), StandbyPgLog, "start", cancellationToken);

    private string RequireStandby() =>
        string.IsNullOrWhiteSpace(StandbyConnectionString)
            ? throw new InvalidOperationException($"{StandbyConnectionVariable} is not set. The replica tests need the streaming standby scripts/test.sh starts.")
            : StandbyConnectionString;

    private string RequireStandbyData() =>
        string.IsNullOrWhiteSpace(StandbyPgData)
            ? throw new InvalidOperationException($"{StandbyPgDataVariable} is not set; run scripts/test.sh.")
            : StandbyPgData;

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
    public Task RestartServerAsync(CancellationToken cancellationToken = default) => PgCtlAsync(PgData, PgLog, "restart", cancellationToken);

    /// <summary>Stops the cluster (fast shutdown: open connections are terminated), as in a crash or failover; <see cref="StartServerAsync"/> brings it back.</summary>
    public Task StopServerAsync(CancellationToken cancellationToken = default) => PgCtlAsync(PgData, PgLog, "stop", cancellationToken);

    /// <summary>Starts the cluster stopped by <see cref="StopServerAsync"/>.</summary>
    public Task StartServerAsync(CancellationToken cancellationToken = default) => PgCtlAsync(PgData, PgLog, "start", cancellationToken);

    private async Task PgCtlAsync(string? pgData, string? pgLog, string action, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(PgBin) || string.IsNullOrEmpty(pgData))
        {
            throw new InvalidOperationException(
                $"{PgBinVariable} and {PgDataVariable} must be set to restart the server; run scripts/test.sh.");
        }

        var pgCtl = Path.Combine(PgBin, "pg_ctl");
        string[] pgCtlArguments =
        [
            "-D", pgData,
            // Without -l the restarted server would inherit our redirected stdout and
            // ReadToEndAsync below would wait for it to exit.
            "-l", pgLog ?? Path.Combine(pgData, "restart.log"),
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
