#!/usr/bin/python3
"""Sampling efficiency of SLHMC against plain MD on the reference, counted in
reference evaluations (issue 5's benchmark).

Runs the main job (`slhmc run`, silicon, Stillinger-Weber reference, NNP learned
from scratch) and a reference MD (`slhmc md`, same system and temperature, CSVR,
dt = 1 fs, one reference evaluation per step), then reports for the potential
energy and for one RDF bin (pairs in the first-neighbour shell):
  tau_int     integrated autocorrelation time (Sokal's automatic window, c = 5)
  ESS/N_ref   effective samples per reference evaluation
and the ratio SLHMC / MD after the surrogate has converged (production phase),
plus the acceptance curve and the number of reference evaluations (bootstrap MD
included) until the acceptance in a 50-trial window first reaches 50 %.

usage: bench/slhmc_vs_md.py [--slhmc BUILD/slhmc] [--trials N] [--md-steps N] [--out DIR]
"""
import argparse, csv, math, os, subprocess, sys, time

import numpy as np


def tau_int(x, c=5.0):
    x = np.asarray(x, float) - np.mean(x)
    n = len(x)
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n]
    acf /= acf[0]
    tau = 1.0
    for m in range(1, n):
        tau += 2 * acf[m]
        if m >= c * tau:
            return tau, m
    return tau, n


def read_xyz_frames(path):
    """Positions and cell of every frame of an extended XYZ file (orthorhombic or not)."""
    frames = []
    with open(path) as f:
        while True:
            line = f.readline()
            if not line:
                break
            n = int(line)
            info = f.readline()
            lat = info.split('Lattice="')[1].split('"')[0]
            cell = np.array([float(v) for v in lat.split()]).reshape(3, 3)
            pos = np.array([[float(v) for v in f.readline().split()[1:4]] for _ in range(n)])
            frames.append((pos, cell))
    return frames


def shell_count(frames, r_max=2.6):
    """Pairs closer than r_max per frame (the first RDF peak of silicon): one RDF 'bin'."""
    out = []
    for pos, cell in frames:
        inv = np.linalg.inv(cell)
        d = pos[:, None, :] - pos[None, :, :]
        s = d @ inv
        s -= np.round(s)
        r = np.linalg.norm(s @ cell, axis=2)
        out.append((np.count_nonzero(r < r_max) - len(pos)) / 2)
    return np.array(out, float)


def run(cmd, cwd):
    t0 = time.time()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slhmc", default=os.path.join(os.path.dirname(__file__), "..", "build", "slhmc"))
    ap.add_argument("--trials", type=int, default=1600)
    ap.add_argument("--md-steps", type=int, default=40000)
    ap.add_argument("--out", default="bench-slhmc-vs-md")
    ap.add_argument("--set", action="append", default=[], help="extra key=value for slhmc run (repeatable)")
    a = ap.parse_args()
    exe = os.path.abspath(a.slhmc)
    os.makedirs(a.out, exist_ok=True)
    out = os.path.abspath(a.out)

    extra = [x for kv in a.set for x in ("--set", kv)]
    t_slhmc = run([exe, "run", "--set", f"sampler.trials={a.trials}", "--set", "output.directory=slhmc",
                   "--set", "output.chain_interval=1"] + extra, out)
    rows = list(csv.DictReader(open(os.path.join(out, "slhmc", "trials.csv"))))
    boot = sum(1 for line in open(os.path.join(out, "slhmc", "bootstrap.xyz")) if line.startswith("Lattice") or "Properties" in line)
    acc = np.array([int(r["accepted"]) for r in rows])
    prod = np.array([r["phase"] == "production" for r in rows])
    v = np.array([float(r["potential_eV"]) for r in rows])
    window = 50
    first50 = None
    for i in range(window, len(acc) + 1):
        if acc[i - window:i].mean() >= 0.5:
            first50 = boot + 1 + i  # bootstrap + initial + trials so far
            break
    chain = read_xyz_frames(os.path.join(out, "slhmc", "chain.xyz"))
    shells = shell_count(chain)  # chain.xyz: one frame per trial
    v_prod = v[prod]
    tau_v, _ = tau_int(v_prod)
    shells_prod = shells[-len(v_prod):]
    tau_s, _ = tau_int(shells_prod)

    t_md = run([exe, "md", "--set", "system.repeat=[2,2,2]", "--set", "system.rattle_A=0.05",
                "--set", "md.temperature_K=1200", "--set", "md.initial_temperature_K=1200",
                "--set", f"md.steps={a.md_steps}", "--set", "output.thermo_interval=1",
                "--set", "output.trajectory_interval=5", "--set", "output.directory=md"], out)
    thermo = list(csv.DictReader(open(os.path.join(out, "md", "thermo.csv"))))
    key = [k for k in thermo[0] if k.startswith("potential")][0]
    e_md = np.array([float(r[key]) for r in thermo])[2000:]  # 2 ps equilibration
    tau_md_v, _ = tau_int(e_md)
    md_frames = read_xyz_frames(os.path.join(out, "md", "trajectory.xyz"))[400:]  # every 5th step
    tau_md_s = 5 * tau_int(shell_count(md_frames))[0]

    print(f"SLHMC: {len(rows)} trials + {boot} bootstrap MD steps ({t_slhmc:.0f} s wall), "
          f"production {prod.sum()} trials, acceptance in production {acc[prod].mean():.3f}")
    print(f"  acceptance by 100-trial window: " + " ".join(f"{acc[i:i+100].mean():.2f}" for i in range(0, len(acc), 100)))
    print(f"  reference evaluations until a 50-trial window reaches 50 % acceptance: {first50}")
    print(f"  tau_int(V_ref) = {tau_v:.2f} trials, tau_int(shell) = {tau_s:.2f} trials")
    print(f"MD: {a.md_steps} steps ({t_md:.0f} s wall), tau_int(V) = {tau_md_v:.1f} steps, tau_int(shell) = {tau_md_s:.1f} steps")
    print(f"ESS per reference evaluation, SLHMC / MD: potential energy {tau_md_v / tau_v:.1f}x, "
          f"RDF shell bin {tau_md_s / tau_s:.1f}x")


if __name__ == "__main__":
    main()
