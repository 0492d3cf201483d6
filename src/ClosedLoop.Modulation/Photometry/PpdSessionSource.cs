using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// A pyPhotometry data file (<c>.ppd</c>, written by the pyPhotometry acquisition software): a u16 little-endian header
/// length, a JSON header (mode, sampling_rate, n_analog_signals, n_digital_signals, volts_per_division, version, ...),
/// then the data words exactly as the board sent them, chunks back to back without their frame headers (lost chunks
/// written as zeros). Files from version 1.1 on keep pulsed modes' (LED on, baseline) pairs; older files hold one
/// baseline-subtracted word per channel, and before 1.0 always two analog and two digital signals ("time div" in the
/// mode meaning pulsed), as the pyPhotometry import code reads them.
/// </summary>
public sealed record PpdFile(string Path, string Mode, double SampleRateHz, string Version, PyPhotometryDecoderOptions Decoder, int DataOffset, long DataWords)
{
    /// <summary>Read the header of <paramref name="path"/>; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static PpdFile Open(string path)
    {
        using var f = File.OpenRead(path);
        Span<byte> len = stackalloc byte[2];
        if (f.Read(len) != 2)
        {
            throw new InvalidDataException($"{path}: not a .ppd file (shorter than its 2-byte header length)");
        }
        int headerBytes = len[0] | (len[1] << 8);
        var header = new byte[headerBytes];
        if (f.ReadAtLeast(header, headerBytes, throwOnEndOfStream: false) != headerBytes)
        {
            throw new InvalidDataException($"{path}: the .ppd header claims {headerBytes} bytes but the file ends first");
        }
        JsonElement h;
        try
        {
            h = JsonDocument.Parse(header).RootElement;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: the .ppd header is not JSON ({ex.Message})", ex);
        }
        string mode = Get(h, "mode", path).GetString() ?? "";
        double rate = Get(h, "sampling_rate", path).GetDouble();
        string version = h.TryGetProperty("version", out var v) ? v.GetString() ?? "0" : "0";
        var vpd = Get(h, "volts_per_division", path);
        double volts = vpd.ValueKind == JsonValueKind.Array ? vpd[0].GetDouble() : vpd.GetDouble();
        bool before10 = VersionBelow(version, 1, 0);
        bool pulsed = before10 ? mode.Contains("time div", StringComparison.Ordinal) : mode.Contains("pulsed", StringComparison.Ordinal);
        int analog = before10 ? 2 : Get(h, "n_analog_signals", path).GetInt32();
        int digital = before10 ? 2 : Get(h, "n_digital_signals", path).GetInt32();
        bool pairs = pulsed && !VersionBelow(version, 1, 1);
        long words = (f.Length - 2 - headerBytes) / 2;
        var options = new PyPhotometryDecoderOptions
        {
            AnalogChannels = analog,
            DigitalChannels = digital,
            Pulsed = pairs,
            SampleRateHz = rate,
            VoltsPerCount = volts,
            WordsPerChunk = pairs ? 2 * analog : analog,
        };
        try
        {
            options.Validate();
        }
        catch (Core.Configuration.ConfigException ex)
        {
            throw new InvalidDataException($"{path}: unusable .ppd header: {ex.Message}", ex);
        }
        return new PpdFile(path, mode, rate, version, options, 2 + headerBytes, words);
    }

    /// <summary>Sample sets in the file.</summary>
    public long Sets => DataWords / Decoder.WordsPerSampleSet;

    private static JsonElement Get(JsonElement h, string key, string path) =>
        h.TryGetProperty(key, out var e) ? e : throw new InvalidDataException($"{path}: the .ppd header has no '{key}'");

    private static bool VersionBelow(string version, int major, int minor)
    {
        var parts = version.Split('.');
        int ma = parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a) ? a : 0;
        int mi = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b) ? b : 0;
        return ma < major || (ma == major && mi < minor);
    }
}

/// <summary>
/// Replays a <c>.ppd</c> file as a photometry source (rig <c>[source] kind = "recorded"</c> with a <c>.ppd</c> path): the
/// same samples and digital edges the live board gave, with source time = set index / sampling rate, paced at
/// <c>speed</c> x real time (0 = as fast as the sink takes them).
/// </summary>
public sealed class PpdSessionSource(string path, double speed = 1) : IArousalSource
{
    /// <inheritdoc/>
    public string Name => "ppd:" + path;

    /// <summary>Sets emitted so far.</summary>
    public long SetsEmitted => Interlocked.Read(ref _sets);

    private long _sets;

    /// <inheritdoc/>
    public Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var file = PpdFile.Open(path); // a bad file fails here, before the run
        return Task.Factory.StartNew(() => Run(file, sink, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(PpdFile file, IArousalSink sink, CancellationToken ct)
    {
        var sets = new PyPhotometrySets(file.Decoder);
        var edges = sink as IDigitalEdgeSink;
        int setBytes = file.Decoder.WordsPerSampleSet * 2;
        using var f = File.OpenRead(file.Path);
        f.Position = file.DataOffset;
        var buffer = new byte[setBytes * 256];
        var clock = Stopwatch.StartNew();
        int kept = 0;
        while (!ct.IsCancellationRequested)
        {
            int n = f.Read(buffer, kept, buffer.Length - kept);
            if (n == 0)
            {
                return;
            }
            kept += n;
            int whole = kept / setBytes;
            for (int s = 0; s < whole && !ct.IsCancellationRequested; s++)
            {
                if (speed > 0)
                {
                    double due = sets.SetIndex / file.SampleRateHz / speed;
                    double wait = due - clock.Elapsed.TotalSeconds;
                    if (wait > 0.002)
                    {
                        ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait));
                    }
                }
                sets.Emit(buffer.AsSpan(s * setBytes, setBytes), sink, edges, MonoClock.Now);
                Interlocked.Increment(ref _sets);
            }
            int rest = kept - whole * setBytes;
            buffer.AsSpan(whole * setBytes, rest).CopyTo(buffer);
            kept = rest;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
