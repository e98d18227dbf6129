using Commet.Cli;

Console.OutputEncoding = System.Text.Encoding.UTF8;
return await CliApp.RunAsync(args, new CliHost(Console.Out, Console.Error, Console.In, Environment.GetEnvironmentVariable, Console.IsInputRedirected));
