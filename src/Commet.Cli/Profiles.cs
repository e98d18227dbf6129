using System.Text.Json;

namespace Commet.Cli;

public sealed class Profile
{
    public string Url { get; set; } = "";

    public string ApiKey { get; set; } = "";
}

/// <summary>
/// Saved logins: <c>profiles.json</c> in the user's config folder (<c>$COMMET_CONFIG_DIR</c>, else
/// <c>$XDG_CONFIG_HOME/commet</c>, else <c>~/.config/commet</c>), readable by its owner only (0600).
/// </summary>
public static class Profiles
{
    public static string Folder(CliHost host) =>
        host.Env("COMMET_CONFIG_DIR")
        ?? Path.Combine(host.Env("XDG_CONFIG_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "commet");

    public static string FilePath(CliHost host) => Path.Combine(Folder(host), "profiles.json");

    public static Dictionary<string, Profile> Load(CliHost host)
    {
        var path = FilePath(host);
        if (!File.Exists(path))
        {
            return new(StringComparer.Ordinal);
        }
        return JsonSerializer.Deserialize<Dictionary<string, Profile>>(File.ReadAllText(path), CliHost.Json) ?? new(StringComparer.Ordinal);
    }

    public static void Save(CliHost host, Dictionary<string, Profile> profiles)
    {
        var path = FilePath(host);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        // Create the file with owner-only permissions before the key is written into it.
        using (var stream = OperatingSystem.IsWindows()
            ? new FileStream(temp, FileMode.Create, FileAccess.Write)
            : new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(JsonSerializer.Serialize(profiles, CliHost.Json));
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The server and key to use: <c>COMMET_URL</c> / <c>COMMET_API_KEY</c> win over the saved profile.</summary>
    public static (Uri Url, string ApiKey) Resolve(CliHost host, string profileName)
    {
        Load(host).TryGetValue(profileName, out var saved);
        var url = host.Env("COMMET_URL") ?? saved?.Url;
        var key = host.Env("COMMET_API_KEY") ?? saved?.ApiKey;
        if (url is null || key is null)
        {
            throw new CliException($"Not logged in (profile '{profileName}'). Run `commet login --url <server> --api-key <key>`, or set COMMET_URL and COMMET_API_KEY.");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new CliException($"'{url}' is not a server URL such as http://localhost:5080.");
        }
        return (uri, key);
    }
}
