using System.CommandLine;
using System.Text.Json;

namespace Commet.Cli;

/// <summary><c>commet pull</c> and <c>commet push</c>: the catalog as code.</summary>
internal static class CatalogCommands
{
    public static void Add(RootCommand root, CliHost host, CliApp.ActionBinder action)
    {
        var file = new Option<string>("--file", "-f") { Description = "The config file.", DefaultValueFactory = _ => "commet.config.json" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Apply without asking (for CI)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the changes only." };

        var pull = new Command("pull", "Write the server's catalog (features, plans, plan groups, credit packs, add-ons) to the config file.") { file };
        action(pull, host, async (s, ct) =>
        {
            var commet = s.Client();
            var config = CatalogSync.ToConfig(await CatalogSync.ReadAsync(commet, ct));
            var path = Path.GetFullPath(s.Parse.GetValue(file)!);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, CliHost.Json) + "\n", ct);
            if (s.Json)
            {
                host.WriteJson(new { file = path, features = config.Features.Count, plans = config.Plans.Count });
            }
            else
            {
                host.Out.WriteLine($"Wrote {config.Features.Count} feature(s) and {config.Plans.Count} plan(s) to {path}.");
            }
            return 0;
        });
        root.Subcommands.Add(pull);

        var push = new Command("push", "Show how the server's catalog differs from the config file, then apply it after confirmation.") { file, yes, dryRun };
        action(push, host, async (s, ct) =>
        {
            var path = s.Parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"{path} not found. Run `commet pull` to start from the server's catalog.");
            }
            CatalogConfig config;
            try
            {
                config = JsonSerializer.Deserialize<CatalogConfig>(await File.ReadAllTextAsync(path, ct), CliHost.Json) ?? new CatalogConfig();
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}: {e.Message}");
            }
            var commet = s.Client();
            var have = await CatalogSync.WithSubscribersAsync(commet, config, await CatalogSync.ReadAsync(commet, ct), ct);
            var changes = CatalogSync.Diff(config, have);
            var applicable = changes.Where(c => c.Apply is not null).ToList();
            var blocked = changes.Where(c => c.Apply is null).ToList();

            if (!s.Json)
            {
                if (changes.Count == 0)
                {
                    host.Out.WriteLine("Nothing to change: the server's catalog matches " + path + ".");
                    return 0;
                }
                foreach (var c in changes)
                {
                    var mark = c.Kind switch { "create" => "+", "change" => "~", "archive" => "-", _ => "!" };
                    host.Out.WriteLine($"{mark} {c.Kind,-7} {c.Target}: {c.Description}");
                }
                if (blocked.Count > 0)
                {
                    host.Out.WriteLine($"{blocked.Count} change(s) marked ! cannot be made through the API and will not be attempted.");
                }
                if (applicable.Count == 0)
                {
                    host.Out.WriteLine("Nothing to change that the API can make.");
                    return BlockedExit(host, blocked.Count);
                }
            }

            var apply = !s.Parse.GetValue(dryRun) && applicable.Count > 0 && (s.Parse.GetValue(yes) || Confirm(host, applicable.Count));
            var done = 0;
            if (apply)
            {
                foreach (var c in applicable)
                {
                    await c.Apply!(commet, ct);
                    done++;
                }
            }
            if (s.Json)
            {
                host.WriteJson(new
                {
                    changes = changes.Select(c => new { kind = c.Kind, target = c.Target, description = c.Description }),
                    applied = done,
                    blocked = blocked.Count,
                    nothingToChange = applicable.Count == 0,
                });
            }
            else
            {
                host.Out.WriteLine(apply ? $"Applied {done} change(s)." : "Not applied.");
            }
            return s.Json ? (blocked.Count > 0 ? BlockedExitCode : 0) : BlockedExit(host, blocked.Count);
        });
        root.Subcommands.Add(push);
    }

    /// <summary>
    /// The exit code of a push that left changes the API cannot make (after applying the others): the server still
    /// differs from the file, which a CI job should notice.
    /// </summary>
    public const int BlockedExitCode = 3;

    private static int BlockedExit(CliHost host, int blocked)
    {
        if (blocked == 0)
        {
            return 0;
        }
        host.Err.WriteLine($"The server still differs from the file in {blocked} way(s) the API cannot change (marked !); exit code {BlockedExitCode}.");
        return BlockedExitCode;
    }

    private static bool Confirm(CliHost host, int count)
    {
        if (host.InputRedirected && host.In.Peek() < 0)
        {
            throw new CliException("Confirmation needed: run `commet push --yes` to apply without asking.");
        }
        host.Out.Write($"Apply {count} change(s)? [y/N] ");
        var answer = host.In.ReadLine()?.Trim();
        return answer is "y" or "Y" or "yes";
    }
}
