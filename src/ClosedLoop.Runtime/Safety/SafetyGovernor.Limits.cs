using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Safety;

/// <summary>The armed path: non-finite check, range clamp, slew limit, then charge and duty-cycle limits.</summary>
public sealed partial class SafetyGovernor
{
    private readonly LimitTables _limits;

    private GovernorReason ApplyLimits(ref OutputFrame frame, in WatchdogInputs w)
    {
        var t = _limits;
        frame.ChannelCount = t.Count;
        for (int i = 0; i < t.Count; i++)
        {
            if (!float.IsFinite(frame.Values[i]))
            {
                // A diverged model or a broken map: the whole frame goes safe for this step.
                Record(GovernorReason.NonFiniteOutput, i, frame.Values[i], t.Safe[i], w);
                t.ForceSafe(ref frame);
                return GovernorReason.NonFiniteOutput;
            }
        }

        GovernorReason reasons = GovernorReason.None;
        byte mask = 0;
        for (int i = 0; i < t.Count; i++)
        {
            float requested = frame.Values[i];
            float v = Math.Clamp(requested, t.Min[i], t.Max[i]);
            GovernorReason r = v != requested ? GovernorReason.RangeClamp : GovernorReason.None;
            float prev = t.Previous[i];
            float step = t.SlewPerStep[i];
            if (v > prev + step) { v = prev + step; r |= GovernorReason.SlewLimit; }
            else if (v < prev - step) { v = prev - step; r |= GovernorReason.SlewLimit; }
            frame.Values[i] = v;
            if (r != GovernorReason.None)
            {
                mask |= (byte)(1 << i);
                reasons |= r;
                RecordEach(r, i, requested, v, w);
            }
        }

        for (int g = 0; g < t.Amp.Length; g++)
        {
            reasons |= LimitStimulator(ref frame, g, ref mask, w);
        }

        for (int i = 0; i < t.Count; i++)
        {
            t.Previous[i] = frame.Values[i];
        }
        frame.InterventionMask = mask;
        return reasons;
    }

    private GovernorReason LimitStimulator(ref OutputFrame frame, int g, ref byte mask, in WatchdogInputs w)
    {
        var t = _limits;
        GovernorReason reasons = GovernorReason.None;
        int a = t.Amp[g], pw = t.Width[g], rc = t.Rate[g];
        float amp = frame.Values[a];
        float width = frame.Values[pw];
        if (MathF.Abs(amp) * width > t.MaxChargePc[g])
        {
            // Safety beats smoothness: the reduction is not slew-limited.
            float reduced = MathF.CopySign(t.MaxChargePc[g] / width, amp);
            Record(GovernorReason.ChargeLimit, a, amp, reduced, w);
            frame.Values[a] = reduced;
            mask |= (byte)(1 << a);
            reasons |= GovernorReason.ChargeLimit;
        }

        float rate = rc >= 0 ? frame.Values[rc] : t.FixedRate[g];
        float perPulse = width * 1e-6f * t.Phases[g];
        if (rate * perPulse > t.MaxDuty[g])
        {
            if (rc >= 0)
            {
                float reduced = t.MaxDuty[g] / perPulse;
                Record(GovernorReason.DutyCycleLimit, rc, rate, reduced, w);
                frame.Values[rc] = reduced;
                mask |= (byte)(1 << rc);
            }
            else
            {
                float reducedWidth = t.MaxDuty[g] / (rate * 1e-6f * t.Phases[g]);
                Record(GovernorReason.DutyCycleLimit, pw, width, reducedWidth, w);
                frame.Values[pw] = reducedWidth;
                mask |= (byte)(1 << pw);
            }
            reasons |= GovernorReason.DutyCycleLimit;
        }

        for (int c = 0; c < 3; c++)
        {
            int ch = c == 0 ? a : c == 1 ? pw : rc;
            if (ch >= 0 && frame.Values[ch] < t.Min[ch])
            {
                // A reduction pushed a channel below its minimum: the stimulator goes to its safe levels.
                frame.Values[a] = t.Safe[a];
                frame.Values[pw] = t.Safe[pw];
                if (rc >= 0) frame.Values[rc] = t.Safe[rc];
                break;
            }
        }
        return reasons;
    }

    private void RecordEach(GovernorReason r, int channel, float requested, float applied, in WatchdogInputs w)
    {
        if ((r & GovernorReason.RangeClamp) != 0) Record(GovernorReason.RangeClamp, channel, requested, applied, w);
        if ((r & GovernorReason.SlewLimit) != 0) Record(GovernorReason.SlewLimit, channel, requested, applied, w);
    }
}
