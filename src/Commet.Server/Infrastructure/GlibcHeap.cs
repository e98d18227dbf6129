using System.Runtime.InteropServices;

namespace Commet.Server.Infrastructure;

/// <summary>
/// Keeps the native (malloc) heap from holding memory it no longer uses. Under the usage benchmark glibc's arenas held
/// 31–42 MB of the server's peak RSS: by default a thread that meets a locked arena gets a new one (15 of them here),
/// and each keeps the memory freed into it for reuse — the JIT's working memory while hot methods are recompiled,
/// SQLite's page caches and statements, ICU. So at start-up the number of arenas is capped at two (glibc then makes
/// no more beyond the few the runtime made before <c>Main</c>), and every five seconds <c>malloc_trim</c> hands the
/// free pages of every arena back to the operating system; measured: 20–23 MB in the arenas at the peak. An operator's
/// <c>MALLOC_ARENA_MAX</c> or <c>MALLOC_TRIM_THRESHOLD_</c> turns this off (their tuning wins), and nothing is done off
/// Linux or without glibc. See docs/benchmarks.md, "RSS headroom".
/// </summary>
public static class GlibcHeap
{
    private const int M_ARENA_MAX = -8;
    private static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(5);
    /// <summary>The periodic trim, once started (a process configures it once, however many hosts it runs).</summary>
    internal static Timer? Trimmer { get; private set; }

    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    private static void Trim(object? state) => _ = MallocTrim(0);

    /// <summary>Caps the arenas and starts the periodic trim; false when it does not apply here.</summary>
    public static bool Configure()
    {
        if (Trimmer is not null)
        {
            return true;
        }
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null)
        {
            return false;
        }
        try
        {
            if (MallOpt(M_ARENA_MAX, 2) != 1)
            {
                return false;
            }
            Trim(null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl has neither arenas nor malloc_trim)
        }
        Trimmer = new Timer(Trim, null, TrimEvery, TrimEvery);
        return true;
    }
}
