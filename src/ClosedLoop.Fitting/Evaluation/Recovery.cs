using ClosedLoop.Fitting.Data;
using ClosedLoop.Population.LowRank;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Fitting.Evaluation;

/// <summary>How far a fitted network is from the planted one that generated its data, in terms free of the model's symmetries.</summary>
/// <param name="LeftAnglesDeg">Principal angles between span(S M_fit) and span(S M_true) (observation units, S = diag(read-out scale)), degrees, smallest first.</param>
/// <param name="RightAnglesDeg">Principal angles between the latent time courses the right factors read from the true activity, span(V^T S^-1 N_fit) and span(V^T S^-1 N_true) (T x R; V below), degrees, smallest first. N itself is identified only on the span of the visited activity.</param>
/// <param name="ConnectivityError">||J°_fit - J°_true||_F / ||J°_true||_F with J° = S M N^T S^-1 / N, the connectivity in observation units.</param>
/// <param name="VisitedConnectivityError">||(J°_fit - J°_true) V||_F / ||J°_true V||_F with V the true activity in observation units (scale_i tanh(x_i,t) over every step of the data): the recurrent input of the states the data visit.</param>
/// <param name="ModulationError">Relative error of the NE modulation as a function of the level (see <see cref="Recovery"/>); NaN when the mechanisms differ.</param>
/// <param name="ReadoutScaleError">Largest relative error of |scale| over the units that saturate (see <paramref name="NearLinearUnits"/>); NaN when none does.</param>
/// <param name="ReadoutOffsetError">Largest |offset_fit - offset_true| over the units that saturate, in observation units.</param>
/// <param name="NearLinearUnits">Units whose true |x| stays below 1 over the data (tanh within 24% of linear there): their scale and the size of their state trade off, so their scale and offset are not judged.</param>
public sealed record RecoveryReport(double[] LeftAnglesDeg, double[] RightAnglesDeg, double ConnectivityError, double VisitedConnectivityError,
    double ModulationError, double ReadoutScaleError, double ReadoutOffsetError, int NearLinearUnits)
{
    /// <summary>The largest left principal angle, degrees.</summary>
    public double LeftAngleDeg => LeftAnglesDeg.Max();

    /// <summary>One line for a report.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"m angles {string.Join("/", LeftAnglesDeg.Select(a => a.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} deg, n (on the activity) angles {string.Join("/", RightAnglesDeg.Select(a => a.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} deg, J error {ConnectivityError:F3} (on the visited activity {VisitedConnectivityError:F3}), modulation error {ModulationError:F3}, read-out scale error {ReadoutScaleError:F3}, offset error {ReadoutOffsetError:F3}, near-linear units {NearLinearUnits}");
}

/// <summary>
/// Recovery of planted parameters, in terms free of the model's symmetries (docs/low-rank.md, "Identifiability"):
/// <list type="bullet">
/// <item>the factorisation gauge M -> M A, N -> N A^-T (any invertible R x R A): factors are compared by the principal
/// angles between their column spans (Björck and Golub 1973: the singular values of Q_a^T Q_b are the cosines) and the
/// connectivity by the product J = M N^T / N;</item>
/// <item>the per-unit sign (tanh is odd: x_i, scale_i, the unit's rows of M, N, B and its modulation vectors flip
/// together; <see cref="Training.Canonical.PositiveReadout"/>) and, for units in the near-linear range of tanh, the
/// per-unit scale (x_i -> x_i / l, scale_i -> l scale_i, M and B rows / l, N rows * l): everything is compared in
/// observation units, J° = S J S^-1 with S = diag(scale), which both leave unchanged;</item>
/// <item>the modulation as a function of the level c over 0..1 (c and c^2 are nearly collinear there, so the two features'
/// weights trade off): additive S (z1 w1 + z2 w2); postsynaptic gain g(c) - 1 per unit (dimensionless); presynaptic gain
/// through what it changes, the recurrent input S M N^T diag(g(c) - 1) S^-1 V / N (a unit's presynaptic gain acts only
/// through its column of N, which the data identify only on the visited activity); connectivity
/// S (z1 mc1 nc1^T + z2 mc2 nc2^T) S^-1 V / N; relative error sqrt(sum_c |fit - true|^2 / sum_c |true|^2) over 21 levels.</item>
/// </list>
/// </summary>
public static class Recovery
{
    /// <summary>Below this |x| a unit counts as near-linear (tanh(1) = 0.76, 24% below the line: scale and state size trade off within it).</summary>
    public const double LinearRange = 1.0;

    /// <summary>Compare <paramref name="fit"/> with <paramref name="truth"/> (same units) on the true states <paramref name="trueStates"/> (every step of the data).</summary>
    public static RecoveryReport Compare(LowRankWeights<double> truth, LowRankWeights<double> fit, IReadOnlyList<double[]> trueStates)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(trueStates);
        if (truth.Units != fit.Units)
        {
            throw new ArgumentException("truth and fit must have the same units");
        }
        int n = truth.Units;
        var st = Matrix<double>.Build.DiagonalOfDiagonalArray(truth.ReadScale);
        var sf = Matrix<double>.Build.DiagonalOfDiagonalArray(fit.ReadScale);
        var stInv = Inverse(truth.ReadScale);
        var sfInv = Inverse(fit.ReadScale);
        var left = PrincipalAnglesDeg(st * Factor(truth.M, truth.Rank, n), sf * Factor(fit.M, fit.Rank, n));
        var v = Matrix<double>.Build.Dense(n, trueStates.Count, (i, t) => truth.ReadScale[i] * Math.Tanh(trueStates[t][i]));
        var right = PrincipalAnglesDeg(v.TransposeThisAndMultiply(stInv * Factor(truth.N, truth.Rank, n)), v.TransposeThisAndMultiply(sfInv * Factor(fit.N, fit.Rank, n)));
        var jt = st * Product(truth.M, truth.N, truth.Rank, n) * stInv;
        var jf = sf * Product(fit.M, fit.N, fit.Rank, n) * sfInv;
        double conn = (jf - jt).FrobeniusNorm() / jt.FrobeniusNorm();
        double visited = ((jf - jt) * v).FrobeniusNorm() / (jt * v).FrobeniusNorm();
        double modulation = double.NaN;
        if (truth.Mechanism == fit.Mechanism)
        {
            double num = 0, den = 0;
            for (int q = 0; q <= 20; q++)
            {
                double c = q / 20.0;
                if (truth.Mechanism is NeMechanism.Connectivity or NeMechanism.Presynaptic)
                {
                    var mt = st * Modulation(truth, c, n) * stInv * v;
                    var mf = sf * Modulation(fit, c, n) * sfInv * v;
                    num += Math.Pow((mf - mt).FrobeniusNorm(), 2);
                    den += Math.Pow(mt.FrobeniusNorm(), 2);
                }
                else
                {
                    bool additive = truth.Mechanism == NeMechanism.Additive;
                    for (int i = 0; i < n; i++)
                    {
                        double dt = (c * truth.Mod[2 * i] + c * c * truth.Mod[2 * i + 1]) * (additive ? truth.ReadScale[i] : 1);
                        double df = (c * fit.Mod[2 * i] + c * c * fit.Mod[2 * i + 1]) * (additive ? fit.ReadScale[i] : 1);
                        num += (df - dt) * (df - dt);
                        den += dt * dt;
                    }
                }
            }
            modulation = den > 0 ? Math.Sqrt(num / den) : double.NaN;
        }
        double scale = double.NaN, offset = double.NaN;
        int linear = 0;
        for (int i = 0; i < n; i++)
        {
            double top = 0;
            foreach (var x in trueStates) top = Math.Max(top, Math.Abs(x[i]));
            if (top < LinearRange)
            {
                linear++;
                continue;
            }
            double e = Math.Abs(Math.Abs(fit.ReadScale[i]) - Math.Abs(truth.ReadScale[i])) / Math.Abs(truth.ReadScale[i]);
            scale = double.IsNaN(scale) ? e : Math.Max(scale, e);
            double eo = Math.Abs(fit.ReadOffset[i] - truth.ReadOffset[i]);
            offset = double.IsNaN(offset) ? eo : Math.Max(offset, eo);
        }
        return new RecoveryReport(left, right, conn, visited, modulation, scale, offset, linear);
    }

    /// <summary>The true states x_t of every step of <paramref name="data"/> from <paramref name="initialStates"/>, regenerated exactly as <see cref="Training.GroundTruth.Generate"/> does.</summary>
    public static List<double[]> States(LowRankWeights<double> truth, FitData data, IReadOnlyList<double[]> initialStates)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(initialStates);
        var states = new List<double[]>();
        var scratch = new double[LowRankKernel.ScratchLength(truth.Rank)];
        double alpha = data.DtMs / truth.TauMs;
        for (int k = 0; k < data.Trials.Count; k++)
        {
            var tr = data.Trials[k];
            var x = (double[])initialStates[k].Clone();
            for (int t = 0; t < tr.Steps; t++)
            {
                states.Add((double[])x.Clone());
                double c = tr.Level[t];
                LowRankKernel.Step<double>(truth, x, c, c * c, tr.Input[t], alpha, scratch);
            }
        }
        return states;
    }

    /// <summary>Principal angles between the column spans of two N x R row-major factor matrices, degrees, smallest first.</summary>
    public static double[] PrincipalAnglesDeg(double[] a, int ra, double[] b, int rb, int units) =>
        PrincipalAnglesDeg(Factor(a, ra, units), Factor(b, rb, units));

    /// <summary>Principal angles between the column spans of <paramref name="a"/> and <paramref name="b"/>, degrees, smallest first.</summary>
    public static double[] PrincipalAnglesDeg(Matrix<double> a, Matrix<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var qa = a.QR().Q.SubMatrix(0, a.RowCount, 0, a.ColumnCount);
        var qb = b.QR().Q.SubMatrix(0, b.RowCount, 0, b.ColumnCount);
        return (qa.Transpose() * qb).Svd(computeVectors: false).S
            .Select(cos => Math.Acos(Math.Clamp(cos, -1, 1)) * 180 / Math.PI).Order().ToArray();
    }

    private static Matrix<double> Factor(double[] a, int r, int units) => Matrix<double>.Build.Dense(units, r, (i, k) => a[i * r + k]);

    private static Matrix<double> Inverse(double[] scale) =>
        Matrix<double>.Build.DiagonalOfDiagonalArray(scale.Select(s => s == 0 ? 0 : 1 / s).ToArray());

    private static Matrix<double> Product(double[] m, double[] nv, int r, int units) => Factor(m, r, units) * Factor(nv, r, units).Transpose() / units;

    /// <summary>
    /// The part of the connectivity that noradrenaline adds at level c: connectivity (c mc1 nc1^T + c^2 mc2 nc2^T) / N;
    /// presynaptic M N^T diag(c a1 + c^2 a2) / N (the gain scales what each unit sends, so it is seen only through N).
    /// </summary>
    private static Matrix<double> Modulation(LowRankWeights<double> w, double c, int units)
    {
        if (w.Mechanism == NeMechanism.Presynaptic)
        {
            var d = Matrix<double>.Build.DiagonalOfDiagonalArray(Enumerable.Range(0, units).Select(i => c * w.Mod[2 * i] + c * c * w.Mod[2 * i + 1]).ToArray());
            return Product(w.M, w.N, w.Rank, units) * d;
        }
        return c * Product(Column(w.ModM, 0), Column(w.ModN, 0), 1, units) + c * c * Product(Column(w.ModM, 1), Column(w.ModN, 1), 1, units);
    }

    private static double[] Column(double[] pairs, int f) => Enumerable.Range(0, pairs.Length / 2).Select(i => pairs[2 * i + f]).ToArray();
}
