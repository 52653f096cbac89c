using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>--verbose</c>, and the console logging every command that builds the library's services gets: what the library logs
/// (MiniLM's truncated inputs, a PostgreSQL replica that fell back, ...) goes to stderr, one line a message, from Warning up by
/// default and from Debug up with <c>--verbose</c>. Stdout stays the command's own output, so <c>--json</c> still parses.
/// </summary>
internal sealed class LoggingOptions
{
    private readonly Option<bool> _verbose = new("--verbose")
    {
        Description = "Also print the library's informational and debug messages on stderr (default: warnings and errors only).",
    };

    public void AddTo(Command command) => command.Options.Add(_verbose);

    public void Register(IServiceCollection services, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(parse);
        var verbose = parse.GetValue(_verbose);
        services.AddLogging(logging => logging
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;

                // Colour codes only on a terminal: a redirected stderr (a log file, a script) gets plain text.
                o.ColorBehavior = Console.IsErrorRedirected ? LoggerColorBehavior.Disabled : LoggerColorBehavior.Default;
            }));
    }
}
