using ClosedLoop.Fitting.Data;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Fitting.Training;

/// <summary>What the fit minimises.</summary>
public enum LossKind
{
    /// <summary>Masked squared error between y_hat = scale tanh(h) + offset and the data (rates).</summary>
    SquaredError,

    /// <summary>Poisson negative log-likelihood of counts with rate lambda = softplus(y_hat) (constant log y! dropped).</summary>
    Poisson,
}

/// <summary>Per-trial buffers of the forward and backward pass (one per concurrently evaluated trial).</summary>
public sealed class TrialWorkspace
{
    internal double[] X = [];
    internal double[] Latents = [];
    internal double[] Adjoint = [];
    internal double[] AdjointNext = [];
    internal double[] Scratch = [];

    /// <summary>After an <see cref="Objective.Evaluate"/> with a gradient: dLoss/dx0, the adjoint at t = 0 (N values).</summary>
    public double[] InitialStateGradient { get; private set; } = [];

    internal void Ensure(int steps, int units, int rank)
    {
        int lat = LowRankKernel.ScratchLength(rank);
        if (X.Length < steps * units) X = new double[steps * units];
        if (Latents.Length < steps * lat) Latents = new double[steps * lat];
        if (Adjoint.Length < units) { Adjoint = new double[units]; AdjointNext = new double[units]; }
        if (Scratch.Length < lat) Scratch = new double[lat];
        if (InitialStateGradient.Length != units) InitialStateGradient = new double[units];
    }
}

/// <summary>
/// The loss of one trial and its gradient by backpropagation through time, written by hand for the Euler step of
/// <see cref="LowRankKernel"/> (whose double instance runs the forward pass). Every term is checked against
/// finite differences in the tests.
/// </summary>
public static class Objective
{
    private const double PoissonFloor = 1e-6;

    /// <summary>
    /// Sum of the per-entry losses of <paramref name="trial"/> from initial state <paramref name="x0"/> with Euler step
    /// <paramref name="alpha"/> = dt / tau; adds the gradient of that sum into <paramref name="grad"/> when it is not
    /// null. <paramref name="observed"/> = entries not masked (NaN in the data). Features: z1 = c, z2 = c^2.
    /// </summary>
    public static double Evaluate(LowRankWeights<double> w, Trial trial, ReadOnlySpan<double> x0, double alpha, LossKind loss,
        TrialWorkspace ws, LowRankWeights<double>? grad, out int observed)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(ws);
        int n = w.Units, r = w.Rank, steps = trial.Steps, lat = LowRankKernel.ScratchLength(r);
        ws.Ensure(steps, n, r);
        Span<double> xs = ws.X.AsSpan(0, steps * n);
        x0.CopyTo(xs);
        // Forward: the shared kernel; the latents of x_t (what the step from t used) are kept for the backward pass.
        for (int t = 0; t < steps; t++)
        {
            double c = trial.Level[t];
            Span<double> xt = xs.Slice(t * n, n);
            Span<double> kap = ws.Latents.AsSpan(t * lat, lat);
            if (t + 1 < steps)
            {
                Span<double> next = xs.Slice((t + 1) * n, n);
                xt.CopyTo(next);
                LowRankKernel.Step(w, next, c, c * c, trial.Input[t], alpha, ws.Scratch);
                ws.Scratch.AsSpan(0, lat).CopyTo(kap);
            }
            else
            {
                LowRankKernel.Latents(w, xt, c, c * c, kap);
            }
        }

        NeMechanism mech = w.Mechanism;
        double invN = 1.0 / n;
        double total = 0;
        observed = 0;
        Span<double> a = ws.Adjoint.AsSpan(0, n), aNext = ws.AdjointNext.AsSpan(0, n);
        aNext.Clear();
        Span<double> dKap = stackalloc double[lat];
        for (int t = steps - 1; t >= 0; t--)
        {
            double z1 = trial.Level[t], z2 = z1 * z1, u = trial.Input[t];
            ReadOnlySpan<double> xt = xs.Slice(t * n, n);
            ReadOnlySpan<double> kap = ws.Latents.AsSpan(t * lat, lat);
            bool hasNext = t + 1 < steps;
            dKap.Clear();
            if (grad is not null && hasNext)
            {
                // x_{t+1} = (1 - alpha) x_t + alpha (M kappa_t + B u_t + modulation_t): gradients of the update itself.
                for (int i = 0; i < n; i++)
                {
                    double g = alpha * aNext[i];
                    if (g == 0) continue;
                    for (int k = 0; k < r; k++)
                    {
                        dKap[k] += w.M[i * r + k] * g;
                        grad.M[i * r + k] += g * kap[k];
                    }
                    grad.B[i] += g * u;
                    if (mech == NeMechanism.Additive)
                    {
                        grad.Mod[2 * i] += g * z1;
                        grad.Mod[2 * i + 1] += g * z2;
                    }
                    else if (mech == NeMechanism.Connectivity)
                    {
                        dKap[r] += z1 * w.ModM[2 * i] * g;
                        dKap[r + 1] += z2 * w.ModM[2 * i + 1] * g;
                        grad.ModM[2 * i] += g * z1 * kap[r];
                        grad.ModM[2 * i + 1] += g * z2 * kap[r + 1];
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                double gpost = mech == NeMechanism.Postsynaptic ? LowRankKernel.Gain<double>(w.Mod, i, z1, z2) : 1.0;
                double gpre = mech == NeMechanism.Presynaptic ? LowRankKernel.Gain<double>(w.Mod, i, z1, z2) : 1.0;
                double phi = Math.Tanh(gpost * xt[i]);
                double yhat = w.ReadScale[i] * phi + w.ReadOffset[i];
                double y = trial.Y[t * n + i];
                double dYhat = 0;
                if (!double.IsNaN(y))
                {
                    observed++;
                    if (loss == LossKind.SquaredError)
                    {
                        double e = yhat - y;
                        total += e * e;
                        dYhat = 2 * e;
                    }
                    else
                    {
                        double lambda = Softplus(yhat) + PoissonFloor;
                        total += lambda - y * Math.Log(lambda);
                        dYhat = (1 - y / lambda) * Sigmoid(yhat);
                    }
                }
                if (grad is null)
                {
                    continue;
                }
                grad.ReadScale[i] += dYhat * phi;
                grad.ReadOffset[i] += dYhat;
                double dPhi = w.ReadScale[i] * dYhat;
                double dx = hasNext ? (1 - alpha) * aNext[i] : 0;
                if (hasNext)
                {
                    // s_i = gpre phi_i enters kappa_k = (1/N) sum n_ik s_i (and kc_f = (1/N) sum nc_if s_i).
                    double s = gpre * phi;
                    double ds = 0;
                    for (int k = 0; k < r; k++)
                    {
                        ds += w.N[i * r + k] * dKap[k];
                        grad.N[i * r + k] += invN * s * dKap[k];
                    }
                    if (mech == NeMechanism.Connectivity)
                    {
                        ds += w.ModN[2 * i] * dKap[r] + w.ModN[2 * i + 1] * dKap[r + 1];
                        grad.ModN[2 * i] += invN * s * dKap[r];
                        grad.ModN[2 * i + 1] += invN * s * dKap[r + 1];
                    }
                    ds *= invN;
                    dPhi += gpre * ds;
                    if (mech == NeMechanism.Presynaptic)
                    {
                        double dg = phi * ds;
                        grad.Mod[2 * i] += dg * z1;
                        grad.Mod[2 * i + 1] += dg * z2;
                    }
                }
                double dh = (1 - phi * phi) * dPhi;
                dx += gpost * dh;
                if (mech == NeMechanism.Postsynaptic)
                {
                    double dg = xt[i] * dh;
                    grad.Mod[2 * i] += dg * z1;
                    grad.Mod[2 * i + 1] += dg * z2;
                }
                a[i] = dx;
            }
            if (grad is not null)
            {
                Span<double> tmp = a;
                a = aNext;
                aNext = tmp;
            }
        }
        if (grad is not null)
        {
            aNext.CopyTo(ws.InitialStateGradient); // the adjoint at t = 0: dLoss/dx0
        }
        return total;
    }

    /// <summary>log(1 + e^x) without overflow.</summary>
    public static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));

    /// <summary>The inverse of <see cref="Softplus"/> for y &gt; 0.</summary>
    public static double InverseSoftplus(double y) => y > 30 ? y : Math.Log(double.ExpM1(y));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
