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

    public static TheoryData<Lever, float, int, int> LeverChanges => new()
    {
        // lever, new value, expected sign of the change in pyramidal spikes and in the mean dendritic potential
        // (0 = any change)
        { Lever.Coupling, 0f, -1, 0 },          // coupling off: fewer bursts
        { Lever.DendriticDrive, 400f, 0, 1 },
        { Lever.SomaticDrive, 150f, 1, 0 },
        { Lever.ThresholdShift, -5f, 1, 0 },    // more excitable
        { Lever.RestingShift, 3f, 0, 0 },
        { Lever.AmpaGain, 2f, 1, 0 },
        { Lever.NmdaGain, 4f, 0, 1 },           // NMDA synapses sit on the dendrites
        { Lever.GabaGain, 0.2f, 1, 0 },         // GABA gain down
        { Lever.SynapticTimeScale, 2f, 0, 0 },
        { Lever.SomStrength, 4f, 0, -1 },       // dendrites hyperpolarise
        { Lever.PvStrength, 4f, -1, 0 },
    };

    [Fact]
    public void LeverChanges_CoverEveryLever()
    {
        Assert.Equal(Enum.GetValues<Lever>(), LeverChanges.Select(row => (Lever)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(LeverChanges))]
    public void EveryLever_ChangesCircuitActivity(Lever lever, float value, int spikeSign, int dendriteSign)
    {
        (long Spikes, double MeanVd) Run(LeverSet levers)
        {
            var c = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(400, 3));
            c.SetLeversImmediate(levers);
            long pyr = 0;
            double vd = 0;
            int pyrEnd = c.Populations[0].Count;
            for (int s = 0; s < 3000; s++)
            {
                c.Step();
                foreach (int n in c.SpikedLastStep) if (n < pyrEnd) pyr++;
                if (s % 10 == 0) for (int n = 0; n < pyrEnd; n++) vd += c.GetState(StateVariable.VDendrite, n);
            }
            return (pyr, vd / (300.0 * pyrEnd));
        }
        var changed = LeverSet.Neutral;
        changed[lever] = value;
        var before = Run(LeverSet.Neutral);
        var after = Run(changed);
        string what = $"{LeverSchema.Name(lever)}: spikes {before.Spikes} -> {after.Spikes}, mean v_d {before.MeanVd:F2} -> {after.MeanVd:F2} mV";
        Assert.True(before.Spikes > 100, what);
        double relSpikes = Math.Abs(after.Spikes - before.Spikes) / (double)before.Spikes;
        double dVd = after.MeanVd - before.MeanVd;
        Assert.True(relSpikes > 0.01 || Math.Abs(dVd) > 0.2, what);
        if (spikeSign != 0) Assert.True(Math.Sign(after.Spikes - before.Spikes) == spikeSign && relSpikes > 0.01, what);
        if (dendriteSign != 0) Assert.True(Math.Sign(dVd) == dendriteSign && Math.Abs(dVd) > 0.2, what);
    }

    [Fact]
    public void SetInput_DrivesPyramidalSomata()
    {
        var a = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(200, 2));
        var b = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(200, 2));
        b.SetInput(200f);
        a.Run(3000);
        b.Run(3000);
        Assert.True(b.Activity.PyramidalRateHz > a.Activity.PyramidalRateHz * 1.3, $"{a.Activity.PyramidalRateHz} -> {b.Activity.PyramidalRateHz}");
    }
}
