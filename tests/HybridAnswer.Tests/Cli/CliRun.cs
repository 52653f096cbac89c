using HybridAnswer.Cli;

namespace HybridAnswer.Tests.Cli;

/// <summary>Runs the command line in-process and captures what it printed.</summary>
internal static class CliRun
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
