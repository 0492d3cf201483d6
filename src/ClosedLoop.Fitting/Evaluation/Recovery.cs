using ClosedLoop.Fitting.Data;
using ClosedLoop.Population.LowRank;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Fitting.Evaluation;

/// <summary>How far a fitted network is from the planted one that generated its data, in gauge-free terms.</summary>
/// <param name="LeftAnglesDeg">Principal angles between span(M_fit) and span(M_true), degrees, smallest first.</param>
/// <param name="ConnectivityError">||(J_fit - J_true) S|| / ||J_true S|| (Frobenius) with J = M N^T / N and S the true rates s(x_t) over the data: the recurrent input of the activity the data visit.</param>
/// <param name="ModulationError">Relative error of the NE modulation as a function of the level (see <see cref="Recovery.Compare"/>).</param>
/// <param name="ReadoutScaleError">Largest |scale_fit - scale_true| over units.</param>
/// <param name="ReadoutOffsetError">Largest |offset_fit - offset_true| over units.</param>
public sealed record RecoveryReport(double[] LeftAnglesDeg, double ConnectivityError, double ModulationError, double ReadoutScaleError, double ReadoutOffsetError);

/// <summary>
/// Recovery of planted parameters. Low-rank factors are identified only up to the gauge M -> M A, N -> N A^-T, so the
/// left factors are compared by principal angles (Björck and Golub 1973: the singular values of Q_a^T Q_b are the cosines)
/// and the connectivity by the product J = M N^T / N, on the activity the data visit (directions the data never reach
/// leave no trace in the loss). The modulation is compared as a function of the level c over 0..1, since c and c^2 are
/// nearly collinear there and the two features' weights trade off: additive d(c) = z1 w1 + z2 w2, gains g(c) - 1,
/// connectivity (z1 mc1 nc1^T + z2 mc2 nc2^T) S / N; relative error sqrt(sum_c |fit - true|^2 / sum_c |true|^2) over 21 levels.
/// </summary>
public static class Recovery
{
    /// <summary>Compare <paramref name="fit"/> with <paramref name="truth"/> (same units, rank and mechanism) on the true states <paramref name="trueStates"/> (every step of the data).</summary>
    public static RecoveryReport Compare(LowRankWeights<double> truth, LowRankWeights<double> fit, IReadOnlyList<double[]> trueStates)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(trueStates);
        if (truth.Units != fit.Units || truth.Mechanism != fit.Mechanism)
        {
            throw new ArgumentException("truth and fit must have the same units and mechanism");
        }
        int n = truth.Units;
        var angles = PrincipalAnglesDeg(truth.M, truth.Rank, fit.M, fit.Rank, n);
        var s = Matrix<double>.Build.Dense(n, trueStates.Count, (i, t) => Math.Tanh(trueStates[t][i]));
        var jt = Product(truth.M, truth.N, truth.Rank, n);
        var jf = Product(fit.M, fit.N, fit.Rank, n);
        double conn = ((jf - jt) * s).FrobeniusNorm() / (jt * s).FrobeniusNorm();
        double num = 0, den = 0;
        for (int q = 0; q <= 20; q++)
        {
            double c = q / 20.0;
            if (truth.Mechanism == NeMechanism.Connectivity)
            {
                var mt = Modulation(truth, c, n) * s;
                var mf = Modulation(fit, c, n) * s;
                num += Math.Pow((mf - mt).FrobeniusNorm(), 2);
                den += Math.Pow(mt.FrobeniusNorm(), 2);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    double dt = c * truth.Mod[2 * i] + c * c * truth.Mod[2 * i + 1];
                    double df = c * fit.Mod[2 * i] + c * c * fit.Mod[2 * i + 1];
                    num += (df - dt) * (df - dt);
                    den += dt * dt;
                }
            }
        }
        double scale = 0, offset = 0;
        for (int i = 0; i < n; i++)
        {
            scale = Math.Max(scale, Math.Abs(fit.ReadScale[i] - truth.ReadScale[i]));
            offset = Math.Max(offset, Math.Abs(fit.ReadOffset[i] - truth.ReadOffset[i]));
        }
        return new RecoveryReport(angles, conn, den > 0 ? Math.Sqrt(num / den) : double.NaN, scale, offset);
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
    public static double[] PrincipalAnglesDeg(double[] a, int ra, double[] b, int rb, int units)
    {
        var qa = Matrix<double>.Build.Dense(units, ra, (i, k) => a[i * ra + k]).QR().Q.SubMatrix(0, units, 0, ra);
        var qb = Matrix<double>.Build.Dense(units, rb, (i, k) => b[i * rb + k]).QR().Q.SubMatrix(0, units, 0, rb);
        return (qa.Transpose() * qb).Svd(computeVectors: false).S
            .Select(cos => Math.Acos(Math.Clamp(cos, -1, 1)) * 180 / Math.PI).Order().ToArray();
    }

    private static Matrix<double> Product(double[] m, double[] nv, int r, int units) =>
        Matrix<double>.Build.Dense(units, r, (i, k) => m[i * r + k]) * Matrix<double>.Build.Dense(units, r, (i, k) => nv[i * r + k]).Transpose() / units;

    private static Matrix<double> Modulation(LowRankWeights<double> w, double c, int units) =>
        (c * Product(Column(w.ModM, 0), Column(w.ModN, 0), 1, units) + c * c * Product(Column(w.ModM, 1), Column(w.ModN, 1), 1, units));

    private static double[] Column(double[] pairs, int f) => Enumerable.Range(0, pairs.Length / 2).Select(i => pairs[2 * i + f]).ToArray();
}
