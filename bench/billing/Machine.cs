namespace Commet.Bench.Billing;

/// <summary>What the benchmark ran on, and how busy the whole machine was while it ran (from /proc on Linux).</summary>
public static class Machine
{
    public const double TicksPerSecond = 100.0; // USER_HZ

    public static string Describe()
    {
        var cpu = "unknown CPU";
        var memory = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var kb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            memory = $", {long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024.0:F0} GB RAM";
        }
        catch (IOException)
        {
        }
        return $"{Environment.ProcessorCount} cores, {cpu}{memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public readonly record struct Cpu(long Busy, long Total);

    /// <summary>Machine-wide CPU ticks (all cores): busy and total, from the first line of /proc/stat.</summary>
    public static Cpu CpuTimes()
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = f[3] + f[4];
            var total = f.Take(8).Sum();
            return new Cpu(total - idle, total);
        }
        catch (IOException)
        {
            return default;
        }
    }

    /// <summary>CPU seconds (user + system) used so far by the given processes (PostgreSQL backends), from /proc/&lt;pid&gt;/stat.</summary>
    public static double ProcessCpuSeconds(IEnumerable<int> pids)
    {
        var ticks = 0L;
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture); // utime, stime (fields 14 and 15 of the line)
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return ticks / TicksPerSecond;
    }
}
