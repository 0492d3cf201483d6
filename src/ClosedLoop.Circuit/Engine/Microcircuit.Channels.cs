using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Sum the own-constant channels (<see cref="SynapseChannel"/>) into two per-neuron terms the 2007 kernel adds:
    /// the total conductance lever x g_c and the driving term lever x g_c E_c. Called before the kernels when any
    /// projection has its own constants; a circuit without such projections never calls it and steps exactly as before.
    /// </summary>
    private void SumChannels()
    {
        Array.Clear(_gChan);
        Array.Clear(_gEChan);
        foreach (var c in _channels)
        {
            float lever = c.Receptor == Receptor.Ampa ? _levers.AmpaGain : _levers.GabaGain;
            float e = c.ReversalMv;
            float[] g = c.G;
            for (int i = 0; i < g.Length; i++)
            {
                float gi = lever * g[i];
                _gChan[i] += gi;
                _gEChan[i] += gi * e;
            }
        }
    }

    private void DecayChannels()
    {
        foreach (var c in _channels) Scale(c.G, c.Decay);
    }

    private void UpdateChannelDecays(float timeScale)
    {
        foreach (var c in _channels) c.Decay = MathF.Exp(-_dtF / (c.TauMs * timeScale));
    }

    private void ClearChannels()
    {
        foreach (var c in _channels) Array.Clear(c.G);
    }

    private float ChannelConductance(int neuron)
    {
        float sum = 0f;
        foreach (var c in _channels) sum += c.G[neuron];
        return sum;
    }
}
