using System.Globalization;

namespace ClosedLoop.TestSupport;

/// <summary>Reading Linux /proc status files in tests (thread affinity, context switches).</summary>
public static class ProcStatus
{
    /// <summary>The value of <paramref name="field"/> in a /proc status file, or null when the file is gone (the thread ended) or has no such field.</summary>
    public static string? Field(string statusFile, string field)
    {
        try
        {
            foreach (string line in File.ReadAllLines(statusFile))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return line[(field.Length + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // the thread ended
        }
        return null;
    }

    /// <summary>A kernel CPU list ("0-2,5") as a set ({0, 1, 2, 5}).</summary>
    public static HashSet<int> ParseCpuList(string list)
    {
        var cpus = new HashSet<int>();
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Split('-');
            int a = int.Parse(range[0], CultureInfo.InvariantCulture);
            int b = range.Length > 1 ? int.Parse(range[1], CultureInfo.InvariantCulture) : a;
            for (int c = a; c <= b; c++)
            {
                cpus.Add(c);
            }
        }
        return cpus;
    }
}
