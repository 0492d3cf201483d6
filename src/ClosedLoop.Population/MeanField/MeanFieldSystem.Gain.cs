namespace ClosedLoop.Population.MeanField;

public sealed partial class MeanFieldSystem
{
    /// <summary>Pass as the driven population of <see cref="RateGain"/>: the current goes into every excitatory population (the loop input, somatic_drive).</summary>
    public const int AllExcitatory = -1;

    private readonly double[] _gainMatrix, _gainRhs;
    private readonly double[] _gainRowA = new double[MeanFieldModel.MaxPopulations], _gainRowB = new double[MeanFieldModel.MaxPopulations];

    /// <summary>
    /// Population gain dr/dI, Hz per pA: how much the steady rate of population <paramref name="ratePopulation"/>
    /// changes per pA of current into <paramref name="drivenPopulation"/> (<see cref="AllExcitatory"/>: into every
    /// excitatory population, as the loop input and somatic_drive enter), from the Jacobian J at <paramref name="y"/>:
    /// J x = -df/dI, gain = 1000 x_r. At a steady state this is the slope of the steady-state curve r(I) (infinite at a
    /// fold); elsewhere it is the static gain of the linearisation at the current state. Allocation-free: the u and s
    /// rows are eliminated exactly (x_u = b x_v + (d / a) x_r, x_s = tau x_r), and each population's v unknown from
    /// its own r and v rows (it appears in no other), leaving an n x n solve by Gaussian elimination with partial
    /// pivoting. NaN when that system is singular or a population has a = 0.
    /// </summary>
    public double RateGain(ReadOnlySpan<double> y, int ratePopulation, int drivenPopulation = AllExcitatory)
    {
        int n = _n;
        if (y.Length < 4 * n)
        {
            ThrowLength();
        }
        // The 2n x 2n system [[A, D1], [B, D2]] (x_r, x_v) = (0, c) has diagonal D1 and D2: x_v,i appears only in
        // population i's r and v rows. Eliminating it from that pair, pivoting on the larger of D1_i and D2_i (as
        // partial pivoting on its column would), leaves an n x n system in x_r.
        double[] m = _gainMatrix, q = _gainRhs, rowA = _gainRowA, rowB = _gainRowB;
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
            for (int j = 0; j < n; j++)
            {
                double tau = _tau[j];
                rowA[j] = -(ri * _gwC[i * n + j] * tau);
                rowB[j] = (_gweC[i * n + j] - _gwC[i * n + j] * vi) * tau;
            }
            rowA[i] += diag;
            rowB[i] += -(_piDelta[i] * sign + 2 * _pi2Ck[i] * ri) - _uGainR[i];
            double d1 = _rCoef[i] * sign + 2 * _kC[i] * ri;
            double d2 = diag - _uGainV[i];
            bool driven = drivenPopulation == AllExcitatory ? _role[i] == PopulationRole.Excitatory : drivenPopulation == i;
            double c = driven ? -_invC[i] : 0;
            if (Math.Abs(d2) >= Math.Abs(d1))
            {
                if (!(d2 != 0))
                {
                    return double.NaN; // x_v,i appears nowhere: singular
                }
                double f = d1 / d2;
                for (int j = 0; j < n; j++)
                {
                    m[i * n + j] = rowA[j] - f * rowB[j];
                }
                q[i] = -f * c;
            }
            else
            {
                double f = d2 / d1;
                for (int j = 0; j < n; j++)
                {
                    m[i * n + j] = rowB[j] - f * rowA[j];
                }
                q[i] = c;
            }
        }
        return Solve(m, q, n) ? 1000 * q[ratePopulation] : double.NaN;
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
