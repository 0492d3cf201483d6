using System.Globalization;
using System.Text;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// The outliers explained from the recording: every InputLatency record whose arrival preceded its publish by more
/// than <c>thresholdSteps</c> loop periods, with the step that recorded it (and its time after step 0), the input's
/// sequence, the quality of the estimate the loop read at that step, and how many steps earlier the newest raw sample
/// had arrived (InputSample records carry the step that was next to run). A sample held by the ingest path shows a raw
/// sample arriving shortly before the step; a re-published old estimate shows the last raw sample long before it.
/// Then the inputs that took more than as many steps from send to arrival (the transport held them, not the loop).
/// </summary>
internal static class HeldInputs
{
    public static async Task<string> DescribeAsync(string recording, ulong minSequence, int thresholdSteps, int show = 12)
    {
        await using var reader = RecordingReader.Open(recording);
        await reader.ReadHeaderAsync().ConfigureAwait(false);
        double usPerTick = 1e-3;
        double rate = 1;
        long lastSampleStep = -1;
        ulong lastSampleSequence = 0;
        SampleQuality quality = SampleQuality.Good;
        long estimateStep = -1;
        long lastStep = 0;
        int held = 0;
        int late = 0;
        int lateExcluded = 0;
        var lines = new StringBuilder();
        var transport = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        await foreach (LogRecord r in reader.ReadRecordsAsync().ConfigureAwait(false))
        {
            lastStep = Math.Max(lastStep, r.Step);
            switch (r.Type)
            {
                case RecordType.LoopStart:
                    var info = LoopStartRecord.Decode(r.Payload.Span).Info;
                    usPerTick = 1e6 / info.TickFrequency;
                    rate = info.StepRateHz;
                    break;
                case RecordType.InputSample:
                    lastSampleStep = r.Step;
                    lastSampleSequence = InputSampleRecord.Decode(r.Payload.Span).Sample.Sequence;
                    break;
                case RecordType.ArousalEstimate:
                    quality = ArousalEstimateRecord.Decode(r.Payload.Span).Estimate.Quality;
                    estimateStep = r.Step;
                    break;
                case RecordType.InputLatency:
                    var l = InputLatencyRecord.Decode(r.Payload.Span);
                    double us = (l.PublishTicks - l.ArrivalTicks) * usPerTick;
                    double transportUs = l.ArrivalTicks * usPerTick - l.SourceTimeSeconds * 1e6; // send -> arrival, same clock for a co-located sender
                    if (transportUs * rate / 1e6 > thresholdSteps && transportUs < 10e6)
                    {
                        bool excluded = l.InputSequence < minSequence;
                        lateExcluded += excluded ? 1 : 0;
                        late++;
                        if (late <= show || (!excluded && late - lateExcluded <= show))
                        {
                            transport.AppendLine(string.Create(inv,
                                $"    step {r.Step} ({r.Step / rate:F3} s after step 0): input #{l.InputSequence}{(excluded ? " (sender's warm-up, not counted)" : "")} send -> arrival {transportUs / 1000:F1} ms, arrival -> output {us / 1000:F2} ms"));
                        }
                    }
                    if (l.InputSequence < minSequence || us * rate / 1e6 <= thresholdSteps)
                    {
                        break;
                    }
                    held++;
                    if (held <= show)
                    {
                        lines.AppendLine(string.Create(inv,
                            $"    step {r.Step} ({r.Step / rate:F3} s after step 0): input #{l.InputSequence} arrival -> output {us / 1000:F1} ms, estimate {(estimateStep == r.Step ? quality.ToString() : "?")}; newest raw sample #{lastSampleSequence} arrived before step {lastSampleStep} ({(r.Step - lastSampleStep) / rate * 1000:F1} ms earlier)"));
                    }
                    break;
            }
        }
        string afterArrival = held == 0
            ? $"  inputs used more than {thresholdSteps} steps after arrival: none"
            : string.Create(inv, $"  inputs used more than {thresholdSteps} steps after arrival: {held} (the loop ran {lastStep + 1} steps, {(lastStep + 1) / rate:F3} s){Environment.NewLine}") + lines.ToString().TrimEnd();
        string beforeArrival = late == 0
            ? $"  inputs that took more than {thresholdSteps} steps from send to arrival: none"
            : string.Create(inv, $"  inputs that took more than {thresholdSteps} steps from send to arrival: {late - lateExcluded} counted, {lateExcluded} in the sender's warm-up{Environment.NewLine}") + transport.ToString().TrimEnd();
        return afterArrival + Environment.NewLine + beforeArrival;
    }
}
