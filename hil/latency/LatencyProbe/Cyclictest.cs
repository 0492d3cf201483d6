using System.Diagnostics;
using System.Globalization;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// The machine's own limit beside our figures: Debian rt-tests' <c>cyclictest</c> on the loop's core for the same
/// time (<c>-m -t1 -a CPU -p PRIO -i INTERVAL -h 20000 -q -D SECONDS</c>): one thread that sleeps and measures how
/// late it wakes up. PRIO defaults to 99 (it preempts the loop for a few microseconds per wake-up, so it measures the
/// machine, not our compute), <c>CL_CYCLICTEST_PRIO</c> overrides it; INTERVAL is 100 us (<c>CL_CYCLICTEST_INTERVAL_US</c>).
/// </summary>
internal sealed class Cyclictest : IDisposable
{
    private readonly Process? _process;
    private readonly Task<string>? _stdout;

    private Cyclictest(Process? process)
    {
        _process = process;
        _stdout = process?.StandardOutput.ReadToEndAsync();
    }

    public static Cyclictest Start(string? cpu, double seconds)
    {
        string? exe = new[] { "/usr/bin/cyclictest", "/usr/sbin/cyclictest" }.FirstOrDefault(File.Exists);
        if (exe is null)
        {
            return new Cyclictest(null);
        }
        var inv = CultureInfo.InvariantCulture;
        string prio = Environment.GetEnvironmentVariable("CL_CYCLICTEST_PRIO") ?? "99";
        string interval = Environment.GetEnvironmentVariable("CL_CYCLICTEST_INTERVAL_US") ?? "100";
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-m", "-t1", "-p", prio, "-i", interval, "-h", "20000", "-q", "-D", ((int)Math.Ceiling(seconds)).ToString(inv) })
        {
            psi.ArgumentList.Add(a);
        }
        if (cpu is not null && cpu != "-1")
        {
            psi.ArgumentList.Add("-a");
            psi.ArgumentList.Add(cpu);
        }
        return new Cyclictest(Process.Start(psi));
    }

    /// <summary>"p50 .. p99 .. p99.9 .. max .. us (n samples, prio P, CPU C)", or null when cyclictest is not installed.</summary>
    public async Task<string?> ResultAsync()
    {
        if (_process is null || _stdout is null)
        {
            return null;
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(30));
        string text = await _stdout;
        var counts = new SortedDictionary<long, long>();
        long overflows = 0, max = -1;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("# Histogram Overflows:", StringComparison.Ordinal))
            {
                overflows = long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("# Max Latencies:", StringComparison.Ordinal))
            {
                max = long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (line.Length > 0 && char.IsDigit(line[0]))
            {
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out long us) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out long n) && n > 0)
                {
                    counts[us] = n;
                }
            }
        }
        long total = counts.Values.Sum() + overflows;
        if (total == 0)
        {
            return $"no samples (exit {_process.ExitCode}: {(await _process.StandardError.ReadToEndAsync()).Trim()})";
        }
        long P(double q)
        {
            long rank = (long)Math.Ceiling(q * total), seen = 0;
            foreach (var (us, n) in counts)
            {
                seen += n;
                if (seen >= rank) return us;
            }
            return max; // in the overflow beyond 20 ms
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"n {total}, p50 {P(0.5)}, p90 {P(0.9)}, p99 {P(0.99)}, p99.9 {P(0.999)}, max {max} (wake-up latency, us; {string.Join(' ', _process.StartInfo.ArgumentList)})");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
        }
        _process?.Dispose();
    }
}
