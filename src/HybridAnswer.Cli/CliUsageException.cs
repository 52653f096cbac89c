namespace HybridAnswer.Cli;

/// <summary>A command-line usage error: bad option value, missing folder. Reported without a stack trace, exit code 2.</summary>
internal sealed class CliUsageException(string message, Exception? inner = null) : Exception(message, inner);
