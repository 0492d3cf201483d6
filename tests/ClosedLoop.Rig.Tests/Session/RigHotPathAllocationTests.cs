using ClosedLoop.Core.Diagnostics;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

[Collection(ClosedLoop.TestSupport.AllocationTestsCollection.Name)]
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
        // Steady state (tiered-JIT promotion of a hot method can charge a one-off allocation to this thread while
        // other test classes run; a per-step allocation shows in every round).
        var (bytes, _) = ClosedLoop.TestSupport.SteadyStateAllocation.Measure(OneStep, 3000);
        Assert.Equal(0, bytes);
        Assert.True(runtime.StepsRun >= 3000);
    }
}
