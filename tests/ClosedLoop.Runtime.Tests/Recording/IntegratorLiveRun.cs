using Xunit;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Core.Loop;
using ClosedLoop.Recording;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>
/// Records a live run: an ingest thread publishes estimates into the mailbox at its own pace while the loop
/// thread steps as fast as it can on the real clock, reporting every step to a <see cref="LoopRecorder"/>.
/// Inputs and timing are therefore not reproducible by rerunning, only by replaying the recording.
/// </summary>
internal static class IntegratorLiveRun
{
    public static readonly IntegratorParameters Parameters = new(Leak: 0.95f, Gain: 0.5f, StaleMicroseconds: 300);

    public static async Task<long> RecordAsync(string path, int minSteps, int inputs)
    {
        var mailbox = new LatestValueMailbox<ArousalEstimate>();
        var core = new IntegratorLoopCore(Parameters, mailbox);
        using var recorder = new LoopRecorder(new RecordingWriter(path), Parameters.ToConfigText());
        long period = MonoClock.FromMicroseconds(50);
        long start = MonoClock.Now;
        recorder.OnStart(new LoopStartInfo(20_000, 1, 0.05, period, MonoClock.Frequency, 3, OverrunPolicy.CatchUp, false, "leaky-integrator", start));

        var ingestDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long loopStep = 0; // steps the loop has completed (read by the ingest thread)
        var ingest = new Thread(() =>
        {
            long next = MonoClock.Now;
            long lastPublishStep = -1;
            long inputPeriod = MonoClock.FromMicroseconds(130); // not a multiple of the loop period
            for (int i = 1; i <= inputs; i++)
            {
                next += inputPeriod;
                // Paced by the clock, and never twice between two steps, so every input is consumed (on 2 shared
                // cores either thread can stall for milliseconds). Handshake: publish, full fence, read the count M
                // of completed steps; the loop stores its count with a full fence before its next mailbox read, so
                // step M + 1 sees this publish; wait until it has completed before the next one.
                while (MonoClock.Now < next || Volatile.Read(ref loopStep) < lastPublishStep + 2) Thread.Yield();
                float arousal = 0.1f + 0.8f * (float)((i * 0.6180339887) % 1.0); // never 0
                mailbox.Publish(new ArousalEstimate(arousal, SampleQuality.Good, i * 0.01, MonoClock.Now, (ulong)i));
                Interlocked.MemoryBarrier();
                lastPublishStep = Volatile.Read(ref loopStep);
            }
            while (Volatile.Read(ref loopStep) < lastPublishStep + 2) Thread.Yield(); // the last input is consumed too
            ingestDone.SetResult();
        }) { IsBackground = true, Name = "test-ingest" };
        ingest.Start();

        var loop = Task.Factory.StartNew(() =>
        {
            StepRecord record = default;
            long step = 0;
            while (step < minSteps || !ingestDone.Task.IsCompleted)
            {
                long deadline = start + step * period;
                while (MonoClock.Now < deadline) Thread.Yield(); // pace like the real loop (coarsely: 2 shared cores)
                var timing = new StepTiming(MonoClock.Now, deadline, false, 0);
                core.StepOnce(step, timing, ref record);
                recorder.OnStep(record);
                step++;
                Interlocked.Exchange(ref loopStep, step); // full fence: see the ingest handshake
                if (step > 2_000_000) throw new TimeoutException("ingest thread never finished");
            }
            recorder.OnStop(step);
            return step;
        }, TaskCreationOptions.LongRunning);
        await ingestDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        long steps = await loop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, recorder.Writer.Dropped); // the default ring holds this run; a drop would make replay inexact
        return steps;
    }
}
