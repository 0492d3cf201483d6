using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Tests;

public class LeverTests
{
    [Fact]
    public void SetLevers_RampsFirstOrderWithLeverRampMs()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(50, 1));
        c.LeverRampMs = 20;
        c.SetLevers(LeverSet.Neutral with { Coupling = 0f, DendriticDrive = 100f });
        for (int k = 1; k <= 400; k++)
        {
            c.Step();
            double decay = Math.Exp(-k * 0.1 / 20.0);
            Assert.Equal(decay, c.CurrentLevers.Coupling, 2e-5);
            Assert.Equal(100 * (1 - decay), c.CurrentLevers.DendriticDrive, 2e-3);
        }
    }

    [Fact]
    public void SetLevers_OutOfRange_IsCountedAndIgnored()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(50, 1));
        c.SetLevers(LeverSet.Neutral with { Coupling = 0.5f });
        c.SetLevers(LeverSet.Neutral with { Coupling = 3f });
        c.SetLevers(LeverSet.Neutral with { GabaGain = float.NaN });
        Assert.Equal(2, c.RejectedLeverUpdates);
        Assert.Equal(0.5f, c.TargetLevers.Coupling);
        Assert.Equal(1f, c.TargetLevers.GabaGain);
    }

    public static TheoryData<int, float, int> LeverChanges => new()
    {
        // lever index (LeverSet.Names order), new value, expected sign of the change in pyramidal spikes (0 = any change)
        { 0, 0f, 0 },      // coupling
        { 1, 400f, 0 },    // dendritic drive
        { 2, 150f, 1 },    // somatic drive
        { 3, -5f, 1 },     // threshold shift (more excitable)
        { 4, 3f, 0 },      // resting shift
        { 5, 2f, 1 },      // AMPA gain
        { 6, 4f, 0 },      // NMDA gain
        { 7, 0.2f, 1 },    // GABA gain down
        { 8, 2f, 0 },      // synaptic time scale
        { 9, 4f, 0 },      // SOM strength
        { 10, 4f, 0 },     // PV strength
    };

    [Theory]
    [MemberData(nameof(LeverChanges))]
    public void EveryLever_ChangesCircuitActivity(int lever, float value, int sign)
    {
        long Run(LeverSet levers)
        {
            var c = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(400, 3));
            c.SetLeversImmediate(levers);
            long pyr = 0;
            int pyrEnd = c.Populations[0].Count;
            for (int s = 0; s < 3000; s++)
            {
                c.Step();
                foreach (int n in c.SpikedLastStep) if (n < pyrEnd) pyr++;
            }
            return pyr;
        }
        var changed = LeverSet.Neutral;
        LeverSet.AsSpan(ref changed)[lever] = value;
        long baseline = Run(LeverSet.Neutral), after = Run(changed);
        Assert.True(baseline > 100, $"baseline spikes {baseline}");
        Assert.NotEqual(baseline, after);
        Assert.True(Math.Abs(after - baseline) > 0.01 * baseline, $"{LeverSet.Names[lever]}: {baseline} -> {after}");
        if (sign > 0) Assert.True(after > baseline, $"{LeverSet.Names[lever]}: {baseline} -> {after}");
    }

    [Fact]
    public void SetInput_DrivesPyramidalSomata()
    {
        var a = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(200, 2));
        var b = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(200, 2));
        b.SetInput(200f);
        a.Run(3000);
        b.Run(3000);
        Assert.True(b.Readout.PyramidalRateHz > a.Readout.PyramidalRateHz * 1.3, $"{a.Readout.PyramidalRateHz} -> {b.Readout.PyramidalRateHz}");
    }
}
