using ClosedLoop.Core.Diagnostics;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

// Alone, like every zero-allocation test (AllocationTestsCollection): tier-up of hot methods while other classes
// run circuits in parallel (GainArousalSweepTests) was charged to the measuring thread (3888 bytes, never alone).
[Collection(AllocationTestsCollection.Name)]
public sealed class RigHotPathAllocationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-alloc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Step_ComposedRig_MicrocircuitLeverTableGovernorRecorder_AllocatesNothing()
    {
        // The composition the real-time thread runs: the microcircuit, the receptor lever table (with an
        // operator override mailbox), the governor and the recorder, all as the session builds them.
        var options = RigTestOptions.Create(Path.Combine(_dir, "alloc.cllog"));
        await using var session = RigSession.Create(options);
        var runtime = session.Runtime;
        float arousal = 0.2f;
        ulong seq = 0;
        void OneStep()
        {
            // A fresh estimate every step (the worst case: levers move every step).
            arousal = arousal > 0.8f ? 0.2f : arousal + 0.01f;
            runtime.Input.Publish(new ArousalEstimate(arousal, SampleQuality.Good, seq, runtime.DeterministicTicks(runtime.StepsRun), ++seq));
            runtime.StepOnce();
        }
        // Steady state (SteadyStateAllocation): a one-off tier-up charge (3888 bytes in the first round, seen in
        // whole-project runs since this project also runs circuit sweeps, never alone) is not an allocation of the step;
        // a per-step one shows in every round of 3000 steps.
        var (bytes, rounds) = SteadyStateAllocation.Measure(OneStep, 3000);
        Assert.True(bytes == 0, $"{bytes} bytes in each of {rounds} rounds of 3000 steps");
        Assert.True(runtime.StepsRun >= 3000);
    }
}
