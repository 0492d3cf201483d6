using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Tests;

public class DriveTests
{
    [Fact]
    public void Poisson_EventCount_MatchesRateWithinThreeSd()
    {
        // 500 cells x 100 Hz x 1 s = 50,000 expected events; Poisson sd 224. Events are read back from the
        // conductance: g_after = g_before * decay + events * w, with w = 1 nS.
        var c = MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("c", CellType.Izhikevich2003, 500, "RS")],
            Drives = [new DriveSpec("c", DriveKind.Poisson, Amplitude: 1, RateHz: 100)],
            DtMs = 1.0,
        });
        double decay = Math.Exp(-1.0 / 6.0), events = 0;
        var prev = new double[500];
        for (int s = 0; s < 1000; s++)
        {
            c.Step();
            for (int i = 0; i < 500; i++)
            {
                double g = c.GetState(StateVariable.GSoma, i);
                // Drive events land before the decay of the same step: g = (g_prev + n) * decay.
                events += g / decay - prev[i];
                prev[i] = g;
            }
        }
        Assert.InRange(events, 50_000 - 3 * 224, 50_000 + 3 * 224);
    }

    [Fact]
    public void OrnsteinUhlenbeck_Stationary_MeanAndSdMatch()
    {
        // Exact update: the stationary law N(mu, sigma^2) holds for any dt, here dt = 0.1 with tau = 10.
        var c = MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("c", CellType.Pv, 2000)],
            Drives = [new DriveSpec("c", DriveKind.OrnsteinUhlenbeck, Amplitude: 30, Sigma: 20, TauMs: 10)],
        });
        c.Run(500);
        double sum = 0, sq = 0;
        for (int i = 0; i < 2000; i++)
        {
            double x = c.GetOuValue(0, i);
            sum += x; sq += x * x;
        }
        double mean = sum / 2000, sd = Math.Sqrt(sq / 2000 - mean * mean);
        Assert.InRange(mean, 30 - 3 * 20 / Math.Sqrt(2000), 30 + 3 * 20 / Math.Sqrt(2000));
        Assert.InRange(sd, 20 * 0.93, 20 * 1.07); // sd of the sd estimate ~ 1.6 %
    }

    [Fact]
    public void OrnsteinUhlenbeck_Autocorrelation_DecaysWithTau()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("c", CellType.Pv, 4000)],
            Drives = [new DriveSpec("c", DriveKind.OrnsteinUhlenbeck, Amplitude: 0, Sigma: 1, TauMs: 10)],
        });
        var x0 = Enumerable.Range(0, 4000).Select(i => (double)c.GetOuValue(0, i)).ToArray();
        c.Run(100); // 10 ms = one tau: correlation e^-1 = 0.368, estimate sd ~ 0.015
        double corr = Enumerable.Range(0, 4000).Sum(i => x0[i] * c.GetOuValue(0, i)) / 4000;
        Assert.InRange(corr, 0.368 - 0.05, 0.368 + 0.05);
    }

    [Fact]
    public void StepDrive_OutsideWindow_DoesNothing()
    {
        var c = TestCircuits.SingleCell(CellType.Izhikevich2007, "RS", 0.1, new DriveSpec("c", DriveKind.Step, Amplitude: 500, StartMs: 100, StopMs: 200));
        var spikes = TestCircuits.SpikeTimes(c, 400);
        Assert.NotEmpty(spikes);
        Assert.All(spikes, t => Assert.InRange(t, 100, 210));
    }

    [Fact]
    public void Build_SameSeed_IdenticalSpikeTrains()
    {
        var a = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(300, 5));
        var b = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(300, 5));
        int total = 0;
        for (int s = 0; s < 2000; s++)
        {
            a.Step(); b.Step();
            Assert.True(a.SpikedLastStep.SequenceEqual(b.SpikedLastStep));
            total += a.SpikedLastStep.Length;
        }
        Assert.True(total > 100);
    }
}
