using Xunit;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;

namespace ClosedLoop.Runtime.Tests.Recording;

public class ReplayEngineTests
{
    private const int MinSteps = 2000;
    private const int Inputs = 300;

    private static async Task<(string Path, long Steps, TempDirectory Dir)> RecordAsync()
    {
        var dir = new TempDirectory();
        string path = dir.File("live.clrec");
        long steps = await IntegratorLiveRun.RecordAsync(path, MinSteps, Inputs);
        return (path, steps, dir);
    }

    /// <summary>First step at which the loop consumed an input, read straight from the log.</summary>
    private static async Task<long> FirstInputStepAsync(string path)
    {
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        return log.Records.First(r => r.Type == RecordType.ArousalEstimate).Step;
    }

    [Fact]
    public async Task Run_SameCodeAndConfig_ReproducesEveryOutputBitForBit()
    {
        var (path, steps, dir) = await RecordAsync();
        using var _ = dir;
        var target = new IntegratorReplayTarget();

        ReplayReport report = await ReplayEngine.RunAsync(path, target);

        Assert.True(report.Reproduced, $"{report.FirstDivergence} {report.StopReason}");
        Assert.Equal(steps, report.StepsReplayed);
        Assert.Equal(steps, report.OutputsCompared);
        Assert.Equal("leaky-integrator", report.ModelName);
        Assert.Equal(IntegratorLiveRun.Parameters, IntegratorParameters.Parse(target.Setup!.ConfigText));
        Assert.Equal(20_000, target.Setup.Loop!.Value.StepRateHz);
        // The live run must have exercised what replay has to reproduce: inputs, and stale-input trips.
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        Assert.Equal(Inputs, log.Records.Count(r => r.Type == RecordType.ArousalEstimate));
        Assert.Contains(log.Records, r => r.Type == RecordType.SafetyIntervention);
    }

    [Fact]
    public async Task Run_GainChangedOnReplay_DivergesAtFirstInputStepOnChannel0()
    {
        var (path, _, dir) = await RecordAsync();
        using var _d = dir;
        long firstInput = await FirstInputStepAsync(path);

        ReplayReport report = await ReplayEngine.RunAsync(path, new IntegratorReplayTarget(p => p with { Gain = 0.55f }));

        // y = leak*y + gain*u is 0 until the first input, then gain*u: the first step whose output changes.
        ReplayDivergence d = Assert.NotNull(report.FirstDivergence);
        Assert.Equal(firstInput, d.Step);
        Assert.Equal(0, d.Channel);
        Assert.Equal(BitConverter.SingleToUInt32Bits((float)d.Recorded), d.RecordedBits);
        Assert.NotEqual(d.RecordedBits, d.ReplayedBits);
        Assert.True(report.Complete);
        Assert.False(report.Reproduced);
    }

    [Fact]
    public async Task Run_LeakChangedOnReplay_DivergesOneStepAfterFirstInput()
    {
        var (path, _, dir) = await RecordAsync();
        using var _d = dir;
        long firstInput = await FirstInputStepAsync(path);

        // 0.95 -> 0.96 changes leak*y by 1 %, far above float rounding. (A 1-ulp change of leak can round to
        // the same product at some steps, so its first visible step is not predictable this simply.)
        ReplayReport report = await ReplayEngine.RunAsync(path,
            new IntegratorReplayTarget(p => p with { Leak = 0.96f }));

        // At the first input step y = leak*0 + gain*u does not depend on leak; the step after it does.
        ReplayDivergence d = Assert.NotNull(report.FirstDivergence);
        Assert.Equal(firstInput + 1, d.Step);
        Assert.Equal(0, d.Channel);
        Assert.Contains($"step {firstInput + 1} channel 0", d.ToString());
    }

    [Fact]
    public async Task Run_CorruptBlockMidFile_StopsAtGapWithoutFalseDivergence()
    {
        var (path, _, dir) = await RecordAsync();
        using var _d = dir;
        byte[] file = await File.ReadAllBytesAsync(path);
        List<long> blocks = SampleLog.BlockOffsets(file);
        Assert.True(blocks.Count >= 3, $"only {blocks.Count} blocks");
        file[blocks[blocks.Count / 2] + 40] ^= 0xFF; // a middle block: the first may hold only the config
        string damaged = dir.File("damaged.clrec");
        await File.WriteAllBytesAsync(damaged, file);

        ReplayReport report = await ReplayEngine.RunAsync(damaged, new IntegratorReplayTarget());

        Assert.False(report.Complete);
        Assert.Contains("missing", report.StopReason);
        Assert.Null(report.FirstDivergence); // everything replayed before the gap matched
        Assert.True(report.OutputsCompared > 0);
        Assert.Equal(DamageKind.Middle, Assert.Single(report.Damage).Kind);
    }
}
