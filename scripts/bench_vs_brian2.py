#!/usr/bin/python3
"""Simulate a ClosedLoop network in Brian2 (C++ standalone) and report wall time per simulated second.

Usage (run with /usr/bin/python3, which has Debian's python3-brian, Brian2 2.5.1):
    closedloop bench --cells 1000 --export-network net.json --skip-search --seconds 0.1
    /usr/bin/python3 scripts/bench_vs_brian2.py net.json --seconds 1 [--build-dir DIR] [--float64]

The network (cells, parameters, every synapse, drives) is read from the JSON that
`closedloop bench --export-network FILE` writes (format "closedloop-network/1"; see
src/ClosedLoop.Circuit/Bench/NetworkExporter.cs), so both simulators run the SAME realised network.
Like `closedloop bench`, it first simulates 100 ms of warm-up (not timed, spikes not counted).
Prints one JSON line: wall seconds per simulated second of the C++ run loop (Brian2's own
device._last_run_time, which excludes code generation, compilation and synapse creation), CPU
seconds per simulated second of the compiled binary (getrusage of the child process over warm-up
plus timed run, divided by their total simulated time; includes the binary's short initialisation,
loading the synapse arrays, so it slightly overstates), compile time, and firing rates per population.
On a shared machine the CPU figure is the steadier one; ClosedLoop's bench reports both as well.

Equations: the update of every cell is written out in Brian2 abstract code (run_regularly, one
statement per line of the ClosedLoop kernels in src/ClosedLoop.Circuit/Engine/Microcircuit.*.cs),
so the discretisation is the same, not merely the ODEs:
  * 2007 cells (SOM, PV):  v <- (v + dt/C [k (v-v_r)(v-v_t) - u + g_I E_I + I]) / (1 + dt/C g_tot),
    u <- u + dt a (b (v_old - v_r) - u) (or the cubic U(v) of the book's FS cell);
    spike if v >= v_peak + peak_u u: v <- c + reset_u u, u <- min(u + d, u_max).
  * L5 pyramidal soma as above (v_r + resting_shift, v_t + threshold_shift); apical dendrite
    v_d <- (v_d + dt/C_d [-l_d (v_d - E_L) + k_d F(v_d) + g_c p_d BAP + u_d + g_I,d E_I + I_d])
           / (1 + dt/C_d g_tot,d),
    u_d <- u_d + dt a_d (b_d (v_d,old - E_L) - u_d), F(v) = 1 / (1 + exp((E_d - v) / D_d)),
    BAP = 1 for steps in [0.5, 2.5) ms after a somatic spike, calcium = (v_d,new >= -30);
    a somatic spike resets with c = c_reg + g_c Ca (c_burst - c_reg), d likewise.
  * Conductances: NMDA with Mg block B(v) = x^2 / (1 + x^2), x = max(0, (v + 80) / 60); AMPA, NMDA,
    GABA-A decay by exp(-dt / tau) after the cell update; a spike of step s adds w to the target
    conductance at the end of step s + D - 1 (Brian2 delay (D - 1) dt), acting from step s + D on,
    exactly as the engine's delay ring.
  * Lever values from the JSON (neutral for the default circuit) enter as constants.

Differences that remain (1, 3 and 5 change the work per step; 1 and 3 favour ClosedLoop, 5 Brian2):
  1. Poisson background: ClosedLoop draws each step's total count for a population, Poisson(n r dt),
     and gives every event to a uniformly chosen cell (the same law as independent per-cell trains;
     about 2 uniforms per event); here PoissonInput with N = 20 sub-sources at rate/20 each
     (binomial(20, r dt / 20) events per cell and step, within 1 % of Poisson for r dt <= 0.15), added
     at the start of the step (when='start'), i.e. one binomial draw per cell, drive and step: Brian2's
     cost grows with cells x steps, ClosedLoop's with events (0.045 to 0.15 per cell and step here).
     Random streams differ, so spike trains agree in statistics (rates), not spike by spike.
  2. Initial potentials: same distribution (v_r + U(0, jitter)), different random numbers.
  3. ClosedLoop evaluates the cell updates with SIMD (System.Numerics.Vector, float32 lanes, F(v) and
     B(v) computed directly); Brian2's generated C++ is compiled with -O3 -ffast-math -march=native
     and left to the compiler's auto-vectorisation.
  4. Precision: float32 state in both by default (--float64 for Brian2's default double).
  5. ClosedLoop also does per-step work Brian2 does not: readout smoothing, burst classification,
     lever ramping, spike/event counters. Plasticity is off in the default circuit and not modelled here.
  6. OU drives and Izhikevich-2003 cells are not translated (the default circuit has neither);
     the script stops with an error if the network uses them.
Single-threaded on both sides (Brian2: openmp_threads = 0).
"""
import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402


def fail(message):
    print(f"bench_vs_brian2: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("network", help="JSON written by closedloop bench --export-network")
    p.add_argument("--seconds", type=float, default=1.0, help="simulated seconds (default 1)")
    p.add_argument("--build-dir", default=None, help="C++ standalone project folder (default: a temp folder)")
    p.add_argument("--float64", action="store_true", help="use double precision (default float32, as ClosedLoop)")
    p.add_argument("--keep", action="store_true", help="keep the build folder")
    return p.parse_args()


WARMUP_MS = 100.0  # same as ClosedLoop.Circuit.Bench.BenchRunner.WarmupMs

MG = "(clip((VAR + 80.0) / 60.0, 0.0, 1e9)**2 / (1.0 + clip((VAR + 80.0) / 60.0, 0.0, 1e9)**2))"


def mg(var):
    return MG.replace("VAR", var)


def current_code(drives, pop, target, dt):
    """Constant/step drives as an expression of t (active on [start, stop) of the step start time)."""
    terms = []
    for d in drives:
        if d["population"] != pop or d["target"] != target or d["kind"] not in ("Constant", "Step"):
            continue
        start = d["start_ms"]
        stop = d["stop_ms"] if d["stop_ms"] is not None else 1e18
        terms.append(f"({d['amplitude']!r} * int(t / ms >= {start!r}) * int(t / ms < {stop!r}))")
    return " + ".join(terms) if terms else "0.0"


def build(net, seconds, float64, build_dir):
    import brian2 as b2
    from brian2 import ms, second

    b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not float64:
        b2.prefs.core.default_float_dtype = np.float32
    dt = float(net["dt_ms"])
    b2.defaultclock.dt = dt * ms
    k = net["constants"]
    lv = net["levers"]
    e_inh = float(k["e_inh_mv"])
    if float(k["e_exc_mv"]) != 0.0:
        fail("E_exc != 0 is not translated")
    ts = float(lv["synaptic_time_scale"])
    decay = {r: float(np.exp(-dt / (float(k[f"tau_{r}_ms"]) * ts))) for r in ("ampa", "nmda", "gaba")}
    ampa, nmda, gaba = float(lv["ampa_gain"]), float(lv["nmda_gain"]), float(lv["gaba_gain"])
    rng = np.random.default_rng(int(net["seed"]))
    jitter = float(net["initial_v_jitter_mv"])

    for d in net["drives"]:
        if d["kind"] == "OrnsteinUhlenbeck":
            fail("OU drives are not translated")

    groups, monitors, objects = {}, {}, []
    base_vars = """
        v : 1
        u : 1
        g_ampa_s : 1
        g_nmda_s : 1
        g_gaba_s : 1
    """
    for pop in net["populations"]:
        prm = pop["params"]
        name, n = pop["name"], int(pop["count"])
        kernel = prm["kernel"]
        if kernel == "izhikevich2003":
            fail("Izhikevich-2003 populations are not translated")
        C, kk, a, b = float(prm["C"]), float(prm["k"]), float(prm["a"]), float(prm["b"])
        c, d, vpeak = float(prm["c"]), float(prm["d"]), float(prm["v_peak"])
        i_soma = current_code(net["drives"], name, "Soma", dt)
        syn_soma = [
            f"gN = {nmda!r} * g_nmda_s * {mg('v')}",
            f"gI = {gaba!r} * g_gaba_s",
            f"gtot = {ampa!r} * g_ampa_s + gN + gI",
        ]
        decays = [
            f"g_ampa_s = g_ampa_s * {decay['ampa']!r}",
            f"g_nmda_s = g_nmda_s * {decay['nmda']!r}",
            f"g_gaba_s = g_gaba_s * {decay['gaba']!r}",
        ]
        if kernel == "pyramidal":
            vr = float(prm["v_r"]) + float(lv["resting_shift"])
            vt = float(prm["v_t"]) + float(lv["threshold_shift"])
            gc = float(lv["coupling"])
            i_soma = f"({i_soma}) + {float(lv['somatic_drive'])!r}"
            i_dend = f"({current_code(net['drives'], name, 'Dendrite', dt)}) + {float(lv['dendritic_drive'])!r}"
            cd, el, kd, pd_ = float(prm["c_d"]), float(prm["e_l"]), float(prm["k_d"]), float(prm["p_d"])
            ld, ad, bd = float(prm["l_d"]), float(prm["a_d"]), float(prm["b_d"])
            ed, dd, cath = float(prm["e_d"]), float(prm["d_d"]), float(prm["ca_threshold"])
            bap_start = int(round(float(prm["bap_start_ms"]) / dt))
            bap_end = int(round(float(prm["bap_end_ms"]) / dt))
            c_burst = c + gc * (float(prm["burst_c"]) - c)
            d_burst = d + gc * (float(prm["burst_d"]) - d)
            eqs = base_vars + """
                vd : 1
                ud : 1
                g_ampa_d : 1
                g_nmda_d : 1
                g_gaba_d : 1
                since : 1
                calcium : 1
            """
            code = syn_soma + [
                f"dv = {kk!r} * (v - {vr!r}) * (v - {vt!r}) - u + gI * {e_inh!r} + {i_soma}",
                f"v_new = (v + {dt / C!r} * dv) / (1.0 + {dt / C!r} * gtot)",
                f"u = u + {a * dt!r} * ({b!r} * (v - {vr!r}) - u)",
                f"pulse = {gc * pd_!r} * int(since >= {bap_start}) * int(since < {bap_end})",
                f"gNd = {nmda!r} * g_nmda_d * {mg('vd')}",
                f"gId = {gaba!r} * g_gaba_d",
                f"gtotd = {ampa!r} * g_ampa_d + gNd + gId",
                f"dvd = -{ld!r} * (vd - {el!r}) + {kd!r} / (1.0 + exp(({ed!r} - vd) / {dd!r})) + pulse + ud"
                f" + gId * {e_inh!r} + {i_dend}",
                f"vd_new = (vd + {dt / cd!r} * dvd) / (1.0 + {dt / cd!r} * gtotd)",
                f"ud = ud + {ad * dt!r} * ({bd!r} * (vd - {el!r}) - ud)",
                "calcium = 1.0 * int(vd_new >= %r)" % cath,
                "since = since + 1.0 * int(since < 268435456.0)",
                "v = v_new",
                "vd = vd_new",
            ] + decays + [
                f"g_ampa_d = g_ampa_d * {decay['ampa']!r}",
                f"g_nmda_d = g_nmda_d * {decay['nmda']!r}",
                f"g_gaba_d = g_gaba_d * {decay['gaba']!r}",
            ]
            threshold = f"v >= {vpeak!r}"
            reset = "\n".join([
                f"v = {c!r} + calcium * {c_burst - c!r}",
                f"u = u + {d!r} + calcium * {d_burst - d!r}",
                "since = 0.0",
            ])
        else:
            vr, vt = float(prm["v_r"]), float(prm["v_t"])
            if prm["cubic_u"]:
                vb = float(prm["v_b"])
                target = f"{b!r} * clip(v - {vb!r}, 0.0, 1e9)**3"
            else:
                target = f"{b!r} * (v - {vr!r})"
            eqs = base_vars
            code = syn_soma + [
                f"dv = {kk!r} * (v - {vr!r}) * (v - {vt!r}) - u + gI * {e_inh!r} + {i_soma}",
                f"v_new = (v + {dt / C!r} * dv) / (1.0 + {dt / C!r} * gtot)",
                f"u = u + {a * dt!r} * ({target} - u)",
                "v = v_new",
            ] + decays
            peak_u, reset_u = float(prm["peak_u"]), float(prm["reset_u"])
            u_max = float(prm["u_max"]) if prm["u_max"] is not None else 1e30
            threshold = f"v >= {vpeak!r} + {peak_u!r} * u"
            reset = "\n".join([
                f"v = {c!r} + {reset_u!r} * u",
                f"u = clip(u + {d!r}, -1e30, {u_max!r})",
            ])
        g = b2.NeuronGroup(n, eqs, threshold=threshold, reset=reset, method="euler", name=f"pop_{name}")
        g.run_regularly("\n".join(code), when="groups", name=f"update_{name}")
        g.v = vr + rng.uniform(0.0, jitter, n) if jitter > 0 else vr
        g.u = 0.0
        if kernel == "pyramidal":
            g.vd = el
            g.ud = 0.0
            g.since = 268435456.0
        groups[name] = (g, int(pop["offset"]))
        mon = b2.SpikeMonitor(g, record=False, name=f"spikes_{name}")
        monitors[name] = (mon, n)
        objects += [g, mon]

    for idx, pr in enumerate(net["projections"]):
        if pr["plasticity"] != "None":
            fail("plastic projections are not translated")
        src, src_off = groups[pr["from"]]
        tgt, tgt_off = groups[pr["to"]]
        var = {"Ampa": "g_ampa", "Nmda": "g_nmda", "GabaA": "g_gaba"}[pr["receptor"]]
        var += "_s" if pr["target"] == "Soma" else "_d"
        scale = 1.0 if pr["scale_lever"] == "none" else float(lv[pr["scale_lever"]])
        syn = b2.Synapses(src, tgt, model="w : 1", on_pre=f"{var}_post += w",
                          delay=(int(pr["delay_steps"]) - 1) * dt * ms, name=f"proj{idx}")
        pre = np.asarray(pr["pre"], dtype=np.int32) - src_off
        post = np.asarray(pr["post"], dtype=np.int32) - tgt_off
        if len(pre):
            syn.connect(i=pre, j=post)
            syn.w = np.asarray(pr["weight_ns"], dtype=np.float64) * scale
        objects.append(syn)

    for idx, d in enumerate(net["drives"]):
        if d["kind"] != "Poisson":
            continue
        g, _ = groups[d["population"]]
        var = "g_ampa_s" if d["target"] == "Soma" else "g_ampa_d"
        if d["start_ms"] != 0 or d["stop_ms"] is not None:
            fail("time-limited Poisson drives are not translated")
        sub = 20
        pin = b2.PoissonInput(g, var, sub, float(d["rate_hz"]) / sub * b2.Hz, weight=float(d["amplitude"]), when="start")
        objects.append(pin)

    # As `closedloop bench`: 100 ms of warm-up (untimed, spikes not counted), then the timed run.
    # device._last_run_time is the duration of the last run() call only.
    network = b2.Network(objects)
    for mon, _ in monitors.values():
        mon.active = False
    network.run(WARMUP_MS * ms)
    for mon, _ in monitors.values():
        mon.active = True
    network.run(seconds * second)
    t0 = time.perf_counter()
    b2.device.build(directory=build_dir, compile=True, run=False, clean=True)
    compile_s = time.perf_counter() - t0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    b2.device.run(build_dir, False, [])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run_time = float(b2.device._last_run_time)
    rates = {name: float(np.sum(mon.count[:])) / (n * seconds) for name, (mon, n) in monitors.items()}
    return run_time, cpu, compile_s, rates


def main():
    args = parse_args()
    if not os.path.exists(args.network):
        fail(f"network file '{args.network}' does not exist")
    with open(args.network, encoding="utf-8") as f:
        net = json.load(f)
    if net.get("format") != "closedloop-network/1":
        fail(f"'{args.network}' has format {net.get('format')!r}; expected 'closedloop-network/1'")
    if not args.seconds > 0:
        fail(f"--seconds is {args.seconds}; expected > 0")
    build_dir = args.build_dir or tempfile.mkdtemp(prefix="brian2-closedloop-")
    try:
        run_time, cpu, compile_s, rates = build(net, args.seconds, args.float64, build_dir)
    finally:
        if not args.keep and args.build_dir is None:
            shutil.rmtree(build_dir, ignore_errors=True)
    print(json.dumps({
        "simulator": "brian2-cpp-standalone",
        "cells": net["cells"],
        "synapses": net["synapses"],
        "dt_ms": net["dt_ms"],
        "sim_s": args.seconds,
        "run_s": round(run_time, 4),
        "wall_per_sim_s": round(run_time / args.seconds, 4),
        "cpu_per_sim_s": round(cpu / (args.seconds + WARMUP_MS / 1000.0), 4),
        "compile_s": round(compile_s, 2),
        "float": "float64" if args.float64 else "float32",
        "rates_hz": {k: round(v, 3) for k, v in rates.items()},
    }))


if __name__ == "__main__":
    main()
