namespace ClosedLoop.Population.MeanField;

public sealed partial class MeanFieldSystem
{
    /// <summary>Pass as the driven population of <see cref="RateGain"/>: the current goes into every excitatory population (the loop input, somatic_drive).</summary>
    public const int AllExcitatory = -1;

    private readonly double[] _gainMatrix, _gainRhs;

    /// <summary>
    /// Population gain dr/dI, Hz per pA: how much the steady rate of population <paramref name="ratePopulation"/>
    /// changes per pA of current into <paramref name="drivenPopulation"/> (<see cref="AllExcitatory"/>: into every
    /// excitatory population, as the loop input and somatic_drive enter), from the Jacobian J at <paramref name="y"/>:
    /// J x = -df/dI, gain = 1000 x_r. At a steady state this is the slope of the steady-state curve r(I) (infinite at a
    /// fold); elsewhere it is the static gain of the linearisation at the current state. Allocation-free: the u and s
    /// rows are eliminated exactly (x_u = b x_v + (d / a) x_r, x_s = tau x_r), leaving a 2n x 2n solve by Gaussian
    /// elimination with partial pivoting. NaN when that system is singular or a population has a = 0.
    /// </summary>
    public double RateGain(ReadOnlySpan<double> y, int ratePopulation, int drivenPopulation = AllExcitatory)
    {
        int n = _n, m = 2 * n;
        if (y.Length < 4 * n)
        {
            ThrowLength();
        }
        double[] a = _gainMatrix, rhs = _gainRhs;
        Array.Clear(a);
        for (int i = 0; i < n; i++)
        {
            double ri = y[i], vi = y[n + i];
            double gc = 0;
            for (int j = 0; j < n; j++)
            {
                gc += _gwC[i * n + j] * y[3 * n + j];
            }
            double dv = vi - _vr[i];
            double sign = dv > 0 ? 1.0 : dv < 0 ? -1.0 : 0.0;
            double diag = _kC[i] * (2 * vi - _vrvt[i]) - gc;
            int rRow = i * m, vRow = (n + i) * m;
            for (int j = 0; j < n; j++)
            {
                double tau = _tau[j];
                a[rRow + j] -= ri * _gwC[i * n + j] * tau;
                a[vRow + j] += (_gweC[i * n + j] - _gwC[i * n + j] * vi) * tau;
            }
            a[rRow + i] += diag;
            a[rRow + n + i] = _rCoef[i] * sign + 2 * _kC[i] * ri;
            a[vRow + i] += -(_piDelta[i] * sign + 2 * _pi2Ck[i] * ri) - _uGainR[i];
            a[vRow + n + i] = diag - _uGainV[i];
            rhs[i] = 0;
            bool driven = drivenPopulation == AllExcitatory ? _role[i] == PopulationRole.Excitatory : drivenPopulation == i;
            rhs[n + i] = driven ? -_invC[i] : 0;
        }
        return Solve(a, rhs, m) ? 1000 * rhs[ratePopulation] : double.NaN;
    }

    /// <summary>Solve a x = b in place (b becomes x) for an m x m row-major matrix; false when singular.</summary>
    private static bool Solve(double[] a, double[] b, int m)
    {
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            double best = Math.Abs(a[col * m + col]);
            for (int r = col + 1; r < m; r++)
            {
                double v = Math.Abs(a[r * m + col]);
                if (v > best)
                {
                    best = v;
                    pivot = r;
                }
            }
            if (!(best > 0))
            {
                return false;
            }
            if (pivot != col)
            {
                for (int c = col; c < m; c++)
                {
                    (a[col * m + c], a[pivot * m + c]) = (a[pivot * m + c], a[col * m + c]);
                }
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            double inv = 1.0 / a[col * m + col];
            for (int r = col + 1; r < m; r++)
            {
                double f = a[r * m + col] * inv;
                if (f == 0)
                {
                    continue;
                }
                for (int c = col + 1; c < m; c++)
                {
                    a[r * m + c] -= f * a[col * m + c];
                }
                b[r] -= f * b[col];
            }
        }
        for (int r = m - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int c = r + 1; c < m; c++)
            {
                s -= a[r * m + c] * b[c];
            }
            b[r] = s / a[r * m + r];
        }
        return true;
    }
}
