using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// The machine's limit for a thread that never sleeps, beside a spin-mode loop's figures: Debian rt-tests' <c>oslat</c>
/// (<c>-c CPU -D SECONDS -b 1024 -z -q --json=FILE</c>) busy-polls the clock on the loop's core and histograms every gap,
/// i.e. how long the core was taken from a spinning thread (interrupts, kernel threads, the hypervisor). It is to a
/// spinning loop what cyclictest is to a sleeping one. A busy poll cannot share the core with our spinning loop, so it
/// runs for the same duration *before* the loop, not beside it. <c>CL_OSLAT_PRIO</c> adds <c>-f PRIO</c> (SCHED_FIFO).
/// </summary>
internal static class Oslat
{
    /// <summary>Run oslat on <paramref name="cpu"/> for <paramref name="seconds"/>; the summary line, or null when not installed.</summary>
    public static async Task<string?> RunAsync(int cpu, double seconds)
    {
        string? exe = new[] { "/usr/bin/oslat", "/usr/sbin/oslat" }.FirstOrDefault(File.Exists);
        if (exe is null)
        {
            return null;
        }
        var inv = CultureInfo.InvariantCulture;
        string json = Path.Combine(Path.GetTempPath(), $"cl-oslat-{Environment.ProcessId}.json");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { "-c", cpu.ToString(inv), "-D", ((int)Math.Ceiling(seconds)).ToString(inv), "-b", "1024", "-z", "-q", $"--json={json}" };
        if (Environment.GetEnvironmentVariable("CL_OSLAT_PRIO") is { Length: > 0 } prio)
        {
            args.AddRange(["-f", prio]);
        }
        // The main thread of oslat (it only waits) off the measured core.
        int main = cpu == 0 ? 1 : 0;
        if (Environment.ProcessorCount > 1)
        {
            args.AddRange(["-C", main.ToString(inv)]);
        }
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(seconds + 120));
        await stdout;
        if (!File.Exists(json))
        {
            return $"no result (exit {p.ExitCode}: {stderr.Trim()})";
        }
        try
        {
            return Summarise(await File.ReadAllTextAsync(json), string.Join(' ', psi.ArgumentList));
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>Percentiles of the gaps (nearest rank over 1-us buckets; the last bucket, 1024 us, holds the overflows, read as the max) and events per second.</summary>
    internal static string Summarise(string jsonText, string command)
    {
        using var doc = JsonDocument.Parse(jsonText);
        var t = doc.RootElement.GetProperty("thread").EnumerateObject().First().Value;
        double duration = t.GetProperty("duration").GetDouble();
        double max = t.GetProperty("max").GetDouble();
        var buckets = new SortedDictionary<long, long>();
        foreach (var b in t.GetProperty("histogram").EnumerateObject())
        {
            buckets[long.Parse(b.Name, CultureInfo.InvariantCulture)] = b.Value.GetInt64();
        }
        long total = buckets.Values.Sum();
        double P(double q)
        {
            long rank = (long)Math.Ceiling(q * total), seen = 0;
            foreach (var (us, n) in buckets)
            {
                seen += n;
                if (seen >= rank) return us >= 1024 ? max : us;
            }
            return max;
        }
        double PerSecond(long atLeastUs) => buckets.Where(b => b.Key >= atLeastUs).Sum(b => b.Value) / duration;
        return string.Create(CultureInfo.InvariantCulture,
            $"n {total}, p50 {P(0.5)}, p99 {P(0.99)}, p99.9 {P(0.999)}, max {max}; gaps >= 20 us {PerSecond(20):F1}/s, >= 50 us {PerSecond(50):F1}/s, >= 100 us {PerSecond(100):F1}/s over {duration:F1} s (a busy loop's lost time, us; {command})");
    }
}
