using System.CommandLine;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Cli;

/// <summary>The <c>hybrid-answer</c> command line, runnable in-process (tests pass their own writers).</summary>
internal static class CliApp
{
    /// <param name="output">Where commands print their results (stdout).</param>
    /// <param name="time">The clock of ingest progress; tests pass one that advances on demand.</param>
    public static RootCommand CreateRootCommand(TextWriter output, TimeProvider? time = null)
    {
        var root = new RootCommand("hybrid-answer: answer questions from a knowledge base with citations, refusals, cost and latency.");
        root.Subcommands.Add(AskCommand.Create(output, time));
        root.Subcommands.Add(FinetuneCommand.Create(output));
        root.Subcommands.Add(CostsCommand.Create(output));
        root.Subcommands.Add(AdviseCommand.Create(output));
        root.Subcommands.Add(IngestCommand.Create(output, time));
        root.Subcommands.Add(MigrateCommand.Create(output));
        root.Subcommands.Add(EvalCommand.Create(output, time));
        root.Subcommands.Add(CompareCommand.Create(output, time));
        return root;
    }

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, TimeProvider.System, cancellationToken);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(output, time);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'hybrid-answer --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is CliUsageException or ArgumentException or DirectoryNotFoundException or FileNotFoundException or OptionsValidationException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is AnswerGenerationException or PgVector.PgVectorStoreException or InvalidDataException or IOException or InvalidOperationException or HttpRequestException or TimeoutException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
