namespace Commet.Cli;

/// <summary>
/// The entry point. A class in the Commet.Cli namespace rather than top-level statements, so that it does not clash with
/// the server's global <c>Program</c> in the tests, which load both.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        return CliApp.RunAsync(args, new CliHost(Console.Out, Console.Error, Console.In, Environment.GetEnvironmentVariable, Console.IsInputRedirected));
    }
}
