#!/usr/bin/python3
"""Round-trip overhead per reference call: slhmc's i-PI server (UNIX, TCP)
against ASE's SocketIOCalculator, both talking to the same trivial client
(`bench_ipi client`: slhmc's i-PI client loop with a constant potential).

usage: bench/ipi_overhead.py [BUILD_DIR]   (default build/) -> Markdown table"""
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from ase import Atoms
from ase.calculators.socketio import SocketIOCalculator

build = sys.argv[1] if len(sys.argv) > 1 else "build"
bench = os.path.join(build, "bench", "bench_ipi")


def ours(transport, atoms, calls):
    out = subprocess.run([bench, "server", transport, str(atoms), str(calls)], check=True,
                         capture_output=True, text=True).stdout
    median, best = (float(x) for x in out.split())
    return median, best


def ase(transport, natoms, calls):
    a = 2.5 * natoms ** (1 / 3)
    atoms = Atoms("Cu%d" % natoms, positions=[(0.37 * i, 0.11 * i, 0.05 * i) for i in range(natoms)],
                  cell=[a, a, a], pbc=True)
    name = "slhmc_bench_ase_%d" % os.getpid()
    port = 31000 + os.getpid() % 1000

    def launch(atoms, properties, port=None, unixsocket=None):
        address = "unix:" + unixsocket if unixsocket else "127.0.0.1:%d" % port
        return subprocess.Popen([bench, "client", address, str(natoms)])

    kwargs = {"unixsocket": name} if transport == "unix" else {"port": port}
    with SocketIOCalculator(launch_client=launch, **kwargs) as calc:
        atoms.calc = calc
        for _ in range(100):  # warm up
            atoms.positions[0, 0] += 1e-6
            atoms.get_forces()
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(calls):
                atoms.positions[0, 0] += 1e-6
                atoms.get_forces()
            runs.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(runs), min(runs)


print("| transport | atoms | slhmc server µs/call (median, best of 5) | ASE SocketIOCalculator µs/call (median, best) | ASE / slhmc (medians) |")
print("|---|---:|---:|---:|---:|")
for transport in ("unix", "tcp"):
    for natoms in (64, 1000):
        calls = 2000 if natoms == 64 else 500
        o = ours(transport, natoms, calls)
        # ASE's server sends a message in several writes without TCP_NODELAY, so over TCP
        # each call waits for delayed ACKs (~40 ms): fewer calls there.
        s = ase(transport, natoms, calls // 4 if transport == "unix" else 20)
        print("| %s | %d | %.1f, %.1f | %.1f, %.1f | %.1f |" % (transport, natoms, o[0], o[1], s[0], s[1], s[0] / o[0]))
