using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>
/// Counts spikes per population per bin and writes rates.csv: header <c>t_start_ms,t_end_ms,POP1,POP2,...</c>,
/// one row per bin, each population's mean rate in Hz (spikes / (cells * bin width)). A last partial bin is
/// written with its true width. Also keeps the total spike count per population for the summary.
/// </summary>
public sealed class RateRecorder : IStepRecorder
{
    private readonly Utf8CsvWriter? _writer;
    private readonly int[] _populationOf;
    private readonly int[] _populationSize;
    private readonly long[] _binCounts;
    private readonly long[] _totalCounts;
    private readonly long _stepsPerBin;
    private readonly double _dtMs;
    private long _binStartStep;

    /// <param name="path">rates.csv path, or null to count only.</param>
    /// <param name="populations">Populations of the circuit, in index order.</param>
    /// <param name="binMs">Bin width, ms (rounded to whole steps, at least one).</param>
    /// <param name="dtMs">Integration step, ms.</param>
    public RateRecorder(string? path, IReadOnlyList<PopulationRange> populations, double binMs, double dtMs)
    {
        int neurons = 0;
        foreach (var p in populations)
        {
            neurons = Math.Max(neurons, p.Offset + p.Count);
        }
        _populationOf = new int[neurons];
        _populationSize = new int[populations.Count];
        for (int k = 0; k < populations.Count; k++)
        {
            _populationSize[k] = populations[k].Count;
            Array.Fill(_populationOf, k, populations[k].Offset, populations[k].Count);
        }
        _binCounts = new long[populations.Count];
        _totalCounts = new long[populations.Count];
        _dtMs = dtMs;
        _stepsPerBin = Math.Max(1, (long)Math.Round(binMs / dtMs));
        if (path is not null)
        {
            _writer = new Utf8CsvWriter(path, "t_start_ms,t_end_ms," + string.Join(",", populations.Select(p => p.Name)));
        }
    }

    /// <summary>Total spikes of each population so far (index order).</summary>
    public IReadOnlyList<long> TotalCounts => _totalCounts;

    public void OnStep(long step, double timeMs, ISpikingCircuit circuit)
    {
        var spiked = circuit.SpikedLastStep;
        for (int i = 0; i < spiked.Length; i++)
        {
            _binCounts[_populationOf[spiked[i]]]++;
        }
        if (step + 1 - _binStartStep == _stepsPerBin)
        {
            CloseBin(step + 1);
        }
    }

    public void Complete(long steps, double timeMs)
    {
        if (steps > _binStartStep)
        {
            CloseBin(steps);
        }
        _writer?.Flush();
    }

    public void Dispose() => _writer?.Dispose();

    private void CloseBin(long endStep)
    {
        double widthS = (endStep - _binStartStep) * _dtMs / 1000.0;
        _writer?.Write(_binStartStep * _dtMs, "F4");
        _writer?.Write(endStep * _dtMs, "F4");
        for (int k = 0; k < _binCounts.Length; k++)
        {
            _writer?.Write(_binCounts[k] / (_populationSize[k] * widthS), "G6");
            _totalCounts[k] += _binCounts[k];
            _binCounts[k] = 0;
        }
        _writer?.EndRow();
        _binStartStep = endStep;
    }
}
