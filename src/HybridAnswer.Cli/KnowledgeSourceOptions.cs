using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>
/// Where a command's knowledge comes from: a PostgreSQL + pgvector knowledge base (<c>--connection</c>, filled by <c>ingest</c>),
/// or else a folder loaded into the in-memory knowledge base (<c>--docs</c>).
/// </summary>
internal sealed class KnowledgeSourceOptions(TimeProvider? time = null)
{
    public const string ConnectionOptionName = "--connection";

    /// <summary>The read replica option of <c>ask</c> and <c>eval</c>: searches read there, see <see cref="PgVector.PgVectorKnowledgeBaseOptions.ReadConnectionString"/>.</summary>
    public const string ReadConnectionOptionName = "--read-connection";

    private readonly Option<DirectoryInfo> _docs = CommonOptions.Docs();
    private readonly Option<string?> _connection = Connection();

    private readonly Option<string?> _readConnection = new(ReadConnectionOptionName)
    {
        Description = "PostgreSQL connection string of a read replica (a streaming standby) of --connection: searches read there, the schema check stays on the primary.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_docs);
        command.Options.Add(_connection);
        command.Options.Add(_readConnection);
    }

    /// <summary>The environment variable <c>--connection</c> defaults to (the guide, the PostgreSQL example and the CLI use this one name).</summary>
    public const string ConnectionVariable = "HYBRIDANSWER_CONNECTION";

    /// <summary>Creates the <c>--connection</c> option, shared by <c>ask</c>, <c>ingest</c> and <c>migrate</c>; its default is <see cref="ConnectionVariable"/>.</summary>
    public static Option<string?> Connection(string description = "PostgreSQL connection string of a pgvector knowledge base (filled by 'ingest'); when given, --docs is not loaded.") => new(ConnectionOptionName)
    {
        Description = $"{description} Default: ${ConnectionVariable}.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null,
        Validators =
        {
            result =>
            {
                if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
                {
                    result.AddError($"{ConnectionOptionName} must not be empty.");
                }
            },
        },
    };

    /// <summary>
    /// Registers the knowledge base the options choose: pgvector when <c>--connection</c> is given, in-memory otherwise. The commands
    /// that use it (<c>ask</c>, <c>eval</c>) only read, and a read never does DDL: a database without the schema fails with a message
    /// that says to run <c>migrate</c> or <c>ingest</c>, instead of getting empty tables and answering "I don't have that information".
    /// </summary>
    public static void Register(HybridAnsweringBuilder builder, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parse);
        var readConnectionString = ReadConnectionString(parse);
        if (ConnectionString(parse) is { } connectionString)
        {
            builder.UsePgVector(connectionString, options =>
            {
                options.AutoMigrate = false;
                if (readConnectionString is not null)
                {
                    options.ReadConnectionString = readConnectionString;
                }
            });
        }
        else if (readConnectionString is not null)
        {
            throw new CliUsageException($"{ReadConnectionOptionName} needs {ConnectionOptionName} (the primary it replicates).");
        }
    }

    /// <summary>
    /// Makes the knowledge base ready to answer: loads the folder into the in-memory store; a pgvector store is used as ingested.
    /// </summary>
    /// <returns><see langword="true"/> when every file of the folder was read; <see langword="false"/> when some were skipped
    /// (named on stderr), so the command exits <see cref="ExitCodes.Partial"/> as <c>ingest</c> does.</returns>
    public async Task<bool> PrepareAsync(IServiceProvider services, ParseResult parse, CancellationToken cancellationToken)
    {
        if (ConnectionString(parse) is not null)
        {
            return true;
        }

        var (documents, partial) = await CommonOptions.LoadDocumentsAsync(parse.GetValue(_docs)!, parse.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);

        // A big folder with a semantic embedder takes a while: progress on stderr, stdout keeps only the answer.
        await IngestProgress.UpsertAsync(services.GetRequiredService<IKnowledgeBase>(), documents, parse.InvocationConfiguration.Error, time, cancellationToken).ConfigureAwait(false);
        return !partial;
    }

    private static string? ReadConnectionString(ParseResult parse) =>
        parse.CommandResult.Command.Options.Any(o => o.Name == ReadConnectionOptionName) && parse.GetValue<string?>(ReadConnectionOptionName) is { } value
            ? (string.IsNullOrWhiteSpace(value) ? throw new CliUsageException($"{ReadConnectionOptionName} must not be empty.") : value)
            : null;

    // A connection string from the environment does not override a folder named on the command line.
    private static string? ConnectionString(ParseResult parse) =>
        parse.CommandResult.Command.Options.Any(o => o.Name == ConnectionOptionName) && parse.GetValue<string?>(ConnectionOptionName) is { Length: > 0 } value
        && !(Given(parse, "--docs") && !Given(parse, ConnectionOptionName))
            ? value
            : null;

    private static bool Given(ParseResult parse, string option) =>
        parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(r => r.Option.Name == option && !r.Implicit);
}
