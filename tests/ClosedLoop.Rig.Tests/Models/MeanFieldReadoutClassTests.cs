using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Runtime.Readout;
using Xunit;

namespace ClosedLoop.Rig.Tests.Models;

/// <summary>
/// The rs-fs-lts mean field's populations reach output channels and telemetry under their classes: a channel written
/// for the microcircuit's PV rate follows the FS population, one for the SOM rate the LTS population, and the
/// telemetry's standard PV and SOM fields carry those rates. The model really steps until its three rates differ, so a
/// swapped class shows as a wrong value, not only as a wrong name.
/// </summary>
public class MeanFieldReadoutClassTests
{
    [Fact]
    public void RsFsLts_OutputChannelsAndTelemetry_TakePvFromFs_SomFromLts()
    {
        var model = MeanFieldModel.FromPreset("rs-fs-lts");
        model.Prepare(0.1);
        for (int i = 0; i < 3000; i++)
        {
            model.Step();
        }
        var schema = model.ReadoutSchema;
        float Rate(string name) => model.Readout.Get(schema, name);
        float rs = Rate("rs_rate_hz"), fs = Rate("fs_rate_hz"), lts = Rate("lts_rate_hz");
        Assert.True(rs != fs && fs != lts && rs != lts, $"rates must differ to tell classes apart: rs {rs}, fs {fs}, lts {lts}");

        // Output channels as a microcircuit config spells them (old names without the unit suffix).
        var mapper = new OutputMapper(
            [
                new OutputChannelConfig { Name = "pyr", Kind = ChannelKind.Setpoint, Source = "pyramidal_rate" },
                new OutputChannelConfig { Name = "pv", Kind = ChannelKind.Setpoint, Source = "pv_rate" },
                new OutputChannelConfig { Name = "som", Kind = ChannelKind.Setpoint, Source = "som_rate" },
            ], schema);
        var frame = default(OutputFrame);
        mapper.Map(model.Readout, ref frame);
        Assert.Equal((rs, fs, lts), (frame.Values[0], frame.Values[1], frame.Values[2]));

        // Telemetry: the wire frame's standard fields (what dashboards and older clients read).
        var t = new TelemetryFrame { Step = 3000, Readout = model.Readout };
        var wire = new TelemetryMapper(schema).ToWire(t, lost: 0, withSchema: true);
        Assert.Equal((rs, fs, lts), (wire.PyramidalRateHz, wire.PvRateHz, wire.SomRateHz));
        var sent = TelemetryMapper.SchemaFromWire(wire.ReadoutSchema);
        Assert.Equal(ReadoutNames.PvRateHz, sent.Channels[2].Alias);
        Assert.Equal(ReadoutNames.SomRateHz, sent.Channels[4].Alias);
        Assert.Contains("PV (FS", sent.Channels[2].Description, StringComparison.Ordinal);
        Assert.Contains("SOM (LTS", sent.Channels[4].Description, StringComparison.Ordinal);
    }
}
