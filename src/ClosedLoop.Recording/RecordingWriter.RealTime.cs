using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Recording;

/// <summary>The real-time producer's methods: encode in place into a claimed ring slot, or count a drop.</summary>
public sealed partial class RecordingWriter
{
    /// <summary>A raw input sample, recorded at the step that consumed it.</summary>
    public bool RecordInput(long step, in ArousalSample sample)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.InputSample(ref slot, step, sample);
        _ring.Publish();
        return true;
    }

    /// <summary>The conditioned estimate consumed at <paramref name="step"/>.</summary>
    public bool RecordEstimate(long step, in ArousalEstimate estimate, long publishCount)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.ArousalEstimate(ref slot, step, estimate, publishCount);
        _ring.Publish();
        return true;
    }

    /// <summary>Levers applied at <paramref name="step"/>.</summary>
    public bool RecordLevers(long step, in LeverSet levers)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.LeverChange(ref slot, step, levers);
        _ring.Publish();
        return true;
    }

    /// <summary>The frame that left the governor (its own <see cref="OutputFrame.Step"/> is the record's step).</summary>
    public bool RecordOutput(in OutputFrame frame)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.OutputFrame(ref slot, frame);
        _ring.Publish();
        return true;
    }

    /// <summary>Timing of <paramref name="step"/>.</summary>
    public bool RecordTiming(long step, in RecordedTiming timing)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.StepTiming(ref slot, step, timing);
        _ring.Publish();
        return true;
    }

    /// <summary>A safety-governor intervention at <paramref name="step"/>.</summary>
    public bool RecordIntervention(long step, in SafetyIntervention intervention)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.SafetyIntervention(ref slot, step, intervention);
        _ring.Publish();
        return true;
    }

    /// <summary>The model's readout after <paramref name="step"/>.</summary>
    public bool RecordReadout(long step, in CircuitReadout readout)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.Readout(ref slot, step, readout);
        _ring.Publish();
        return true;
    }

    /// <summary>A numeric marker at <paramref name="step"/> (meaning defined by the caller).</summary>
    public bool RecordMarker(long step, int code)
    {
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        RecordEncoder.Marker(ref slot, step, code);
        _ring.Publish();
        return true;
    }
}
