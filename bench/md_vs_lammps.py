#!/usr/bin/env python3
"""MD throughput of slhmc against Debian's LAMMPS on the same input, one thread each.

Cases (issue 2): Stillinger-Weber silicon with 8,000 and 64,000 atoms, and
Lennard-Jones (argon-like fcc) with 32,000 atoms. Both codes run velocity
Verlet (NVE) from the same lattice and temperature, with the same time step,
neighbour skin and number of steps; only the MD loop is timed (LAMMPS "Loop
time", slhmc's "loop time" line). Each case is repeated and the median taken.

Usage: bench/md_vs_lammps.py [--steps N] [--repeats R] [--quick] [--out FILE.md]
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLHMC = os.path.join(ROOT, "build", "slhmc")

CASES = {
    # name: (lattice, element, a [Å], repeat, potential lines for LAMMPS, slhmc [potential] overrides, mass, T)
    "sw-si-8000": ("diamond", "Si", 5.431, 10,
                   "pair_style sw\npair_coeff * * /usr/share/lammps/potentials/Si.sw Si",
                   ["potential.type=sw", "potential.file=Si.sw"], 28.085, 1000.0),
    "sw-si-64000": ("diamond", "Si", 5.431, 20,
                    "pair_style sw\npair_coeff * * /usr/share/lammps/potentials/Si.sw Si",
                    ["potential.type=sw", "potential.file=Si.sw"], 28.085, 1000.0),
    "lj-ar-32000": ("fcc", "Ar", 5.26, 20,
                    "pair_style lj/cut 8.5\npair_coeff 1 1 0.0104 3.40\npair_modify shift yes",
                    ["potential.type=lj", "potential.epsilon=0.0104", "potential.sigma=3.40",
                     "potential.cutoff=8.5"], 39.948, 60.0),
}
SKIN = 1.0
DT_FS = 1.0


def lammps_loop_time(case, steps, workdir):
    lattice, element, a, rep, pair, _, mass, temp = CASES[case]
    text = f"""units metal
atom_style atomic
lattice {lattice} {a}
region box block 0 {rep} 0 {rep} 0 {rep}
create_box 1 box
create_atoms 1 box
mass 1 {mass}
{pair}
neighbor {SKIN} bin
neigh_modify every 1 delay 0 check yes
velocity all create {temp} 4928459 mom yes
fix 1 all nve
timestep {DT_FS / 1000.0}
thermo {steps}
run {steps}
"""
    path = os.path.join(workdir, "in.lmp")
    with open(path, "w") as f:
        f.write(text)
    out = subprocess.run(["lmp", "-in", path, "-log", "none"], capture_output=True, text=True, cwd=workdir,
                         env={**os.environ, "OMP_NUM_THREADS": "1"}, check=True).stdout
    m = re.search(r"Loop time of ([0-9.eE+-]+) on 1 procs for (\d+) steps with (\d+) atoms", out)
    if not m:
        sys.exit("cannot find LAMMPS loop time in:\n" + out[-2000:])
    return float(m.group(1)), int(m.group(3))


def slhmc_loop_time(case, steps, workdir):
    lattice, element, a, rep, _, pot, mass, temp = CASES[case]
    potential = "\n".join(f"{k.split('.', 1)[1].split('=')[0]} = {toml_value(k.split('=', 1)[1])}" for k in pot)
    config = f"""[system]
lattice = "{lattice}"
element = "{element}"
a = {a}
repeat = [{rep}, {rep}, {rep}]

[potential]
{potential}
skin = {SKIN}

[md]
integrator = "verlet"
dt_fs = {DT_FS}
steps = {steps}
initial_temperature_K = {temp}
seed = 4928459

[output]
directory = "{workdir}"
thermo_interval = {steps}
trajectory_interval = 0
"""
    path = os.path.join(workdir, "md.toml")
    with open(path, "w") as f:
        f.write(config)
    res = subprocess.run([SLHMC, "md", path], capture_output=True, text=True, cwd=workdir,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    if res.returncode != 0:
        sys.exit("slhmc md failed:\n" + res.stdout[-2000:] + res.stderr[-2000:])
    # "  100 steps, 8000 atoms, 0.2154 s (...)": the loop alone, set-up excluded.
    m = re.search(r"(\d+) steps, (\d+) atoms, ([0-9.eE+-]+) s", res.stdout)
    if not m:
        sys.exit("cannot find slhmc loop time in:\n" + (res.stdout + res.stderr)[-2000:])
    return float(m.group(3)), int(m.group(2))


def toml_value(text):
    try:
        float(text)
        return text
    except ValueError:
        return f'"{text}"'


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="only the 8,000-atom SW case, 20 steps, 1 repeat")
    ap.add_argument("--out", help="write a Markdown result file")
    args = ap.parse_args()
    cases = ["sw-si-8000"] if args.quick else list(CASES)
    steps, repeats = (20, 1) if args.quick else (args.steps, args.repeats)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            ours, theirs = [], []
            for r in range(repeats):
                t, n = lammps_loop_time(case, steps, tmp)
                theirs.append(t / (n * steps) * 1e6)
                t, n2 = slhmc_loop_time(case, steps, tmp)
                if n2 != n:
                    sys.exit(f"atom counts differ: LAMMPS {n}, slhmc {n2}")
                ours.append(t / (n * steps) * 1e6)
            o, l = statistics.median(ours), statistics.median(theirs)
            rows.append((case, n, o, l, l / o))
            print(f"{case:14s} {n:6d} atoms  slhmc {o:8.3f} us/atom-step  LAMMPS {l:8.3f} us/atom-step  "
                  f"LAMMPS/slhmc {l / o:5.2f}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(f"# MD throughput against LAMMPS ({datetime.date.today()})\n\n")
            f.write(f"- machine: {machine()}\n- LAMMPS: Debian `lammps` package, `lmp`, OMP_NUM_THREADS=1\n")
            f.write(f"- slhmc: `build/slhmc md`, Release (-O3 by CMake), one thread\n")
            f.write(f"- velocity Verlet, dt {DT_FS} fs, skin {SKIN} Å, {steps} steps, median of {repeats}\n\n")
            f.write("| case | atoms | slhmc µs/atom-step | LAMMPS µs/atom-step | speed-up (LAMMPS/slhmc) |\n")
            f.write("|---|---:|---:|---:|---:|\n")
            for case, n, o, l, ratio in rows:
                f.write(f"| {case} | {n} | {o:.3f} | {l:.3f} | {ratio:.2f} |\n")


if __name__ == "__main__":
    main()
