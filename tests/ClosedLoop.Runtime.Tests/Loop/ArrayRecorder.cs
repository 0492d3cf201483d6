using ClosedLoop.Runtime.Loop;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>A minimal in-memory ILoopRecorder: copies each record into a preallocated array (wrapping), as a real recorder's ring would.</summary>
internal sealed class ArrayRecorder(int capacity) : ILoopRecorder
{
    public StepRecord[] Records { get; } = new StepRecord[capacity];

    public long Steps { get; private set; }

    public LoopStartInfo? Start { get; private set; }

    public long? StoppedAfter { get; private set; }

    public void OnStart(in LoopStartInfo info) => Start = info;

    public void OnStep(in StepRecord record)
    {
        Records[Steps % Records.Length] = record;
        Steps++;
    }

    public void OnStop(long stepsRun) => StoppedAfter = stepsRun;
}
