using System.Globalization;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>Parameters of the test's leaky-integrator loop, parsed from "key = value" config lines.</summary>
internal sealed record IntegratorParameters(float Leak, float Gain, double StaleMicroseconds)
{
    public string ToConfigText() => string.Create(CultureInfo.InvariantCulture,
        $"# leaky integrator (test model)\nleak = {Leak:R}\ngain = {Gain:R}\nstale_us = {StaleMicroseconds:R}\n");

    public static IntegratorParameters Parse(string text)
    {
        var values = text.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(kv => kv[0].Trim(), kv => double.Parse(kv[1].Trim(), CultureInfo.InvariantCulture));
        return new IntegratorParameters((float)values["leak"], (float)values["gain"], values["stale_us"]);
    }
}
