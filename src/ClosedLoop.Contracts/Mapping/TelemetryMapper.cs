using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Mapping;

/// <summary>
/// Maps telemetry frames of one model to and from wire messages. Built once per readout schema: it resolves
/// the standard readout names (the wire's fixed fields 7 to 11) to indices up front, so mapping a frame is
/// copying numbers.
/// </summary>
public sealed class TelemetryMapper
{
    private readonly int _gain, _pyramidal, _som, _pv, _burst;

    /// <summary>A mapper for telemetry of a model with readout <paramref name="schema"/>.</summary>
    public TelemetryMapper(ReadoutSchema schema)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _gain = Find(schema, ReadoutNames.Gain);
        _pyramidal = Find(schema, ReadoutNames.PyramidalRateHz);
        _som = Find(schema, ReadoutNames.SomRateHz);
        _pv = Find(schema, ReadoutNames.PvRateHz);
        _burst = Find(schema, ReadoutNames.BurstFraction);
    }

    /// <summary>The schema the readout values follow.</summary>
    public ReadoutSchema Schema { get; }

    /// <summary>
    /// Fill an existing wire message (publishers reuse one: steady publishing allocates nothing while the
    /// schema is not sent). <paramref name="withSchema"/> adds the readout schema to this frame.
    /// </summary>
    public void CopyToWire(in TelemetryFrame f, ulong lost, Wire.TelemetryFrame m, bool withSchema)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.Step = f.Step;
        m.MonoNs = MonoNanos.FromTicks(f.Ticks);
        m.LatenessUs = f.LatenessUs;
        m.ComputeUs = f.ComputeUs;
        m.Arousal = f.Arousal;
        m.ArousalQuality = f.ArousalQuality;
        m.Gain = Standard(f.Readout, _gain);
        m.PyramidalRateHz = Standard(f.Readout, _pyramidal);
        m.SomRateHz = Standard(f.Readout, _som);
        m.PvRateHz = Standard(f.Readout, _pv);
        m.BurstFraction = Standard(f.Readout, _burst);
        m.Safety = FrameMapper.ToWire(f.Safety);
        m.Overruns = f.Overruns;
        m.Lost = lost;
        m.Readout.Clear();
        int n = Math.Clamp(f.Readout.Count, 0, ModelReadout.MaxValues);
        for (int i = 0; i < n; i++)
        {
            m.Readout.Add(f.Readout.Values[i]);
        }
        if (withSchema)
        {
            if (m.ReadoutSchema.Count == 0)
            {
                m.ReadoutSchema.AddRange(SchemaToWire(Schema));
            }
        }
        else if (m.ReadoutSchema.Count != 0)
        {
            m.ReadoutSchema.Clear();
        }
    }

    /// <summary>A new wire message for <paramref name="f"/>.</summary>
    public Wire.TelemetryFrame ToWire(in TelemetryFrame f, ulong lost = 0, bool withSchema = false)
    {
        var m = new Wire.TelemetryFrame();
        CopyToWire(f, lost, m, withSchema);
        return m;
    }

    /// <summary>Wire message to a telemetry frame (readout values beyond <see cref="ModelReadout.MaxValues"/> are dropped).</summary>
    public static TelemetryFrame FromWire(Wire.TelemetryFrame m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var f = new TelemetryFrame
        {
            Step = m.Step,
            Ticks = MonoNanos.ToTicks(m.MonoNs),
            LatenessUs = m.LatenessUs,
            ComputeUs = m.ComputeUs,
            Arousal = m.Arousal,
            ArousalQuality = (ushort)m.ArousalQuality,
            Safety = FrameMapper.FromWire(m.Safety),
            Overruns = m.Overruns,
        };
        f.Readout.Count = Math.Min(m.Readout.Count, ModelReadout.MaxValues);
        for (int i = 0; i < f.Readout.Count; i++)
        {
            f.Readout.Values[i] = m.Readout[i];
        }
        return f;
    }

    /// <summary>A readout schema as wire messages.</summary>
    public static IEnumerable<Wire.ReadoutChannel> SchemaToWire(ReadoutSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Channels.Select(c => new Wire.ReadoutChannel { Name = c.Name, Unit = c.Unit, Description = c.Description, Alias = c.Alias ?? "" });
    }

    /// <summary>Wire messages to a readout schema (throws <see cref="ArgumentException"/> when names are not valid).</summary>
    public static ReadoutSchema SchemaFromWire(IEnumerable<Wire.ReadoutChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return new ReadoutSchema([.. channels.Select(c => new ReadoutChannel(c.Name, c.Unit, c.Description, c.Alias.Length == 0 ? null : c.Alias))]);
    }

    private static int Find(ReadoutSchema schema, string name) => schema.TryFind(name, out int i) ? i : -1;

    private static float Standard(in ModelReadout r, int index) => index >= 0 && index < r.Count ? r.Values[index] : 0f;
}
