#!/usr/bin/python3
"""Drives an i-PI client with ASE's SocketIOCalculator (ASE as the server).

usage: ase_drive_serve.py STRUCTURES.xyz NAME CLIENT-COMMAND...
Listens on /tmp/ipi_NAME, starts the client command, evaluates every frame
of the file through the socket and prints JSON as ase_emt_direct.py does."""
import json
import subprocess
import sys

from ase.calculators.socketio import SocketIOCalculator
from ase.io import read

frames = read(sys.argv[1], index=":")
name = sys.argv[2]
out = []
with SocketIOCalculator(unixsocket=name, timeout=60) as calc:
    client = subprocess.Popen(sys.argv[3:])
    atoms = frames[0].copy()
    atoms.calc = calc
    for frame in frames:
        atoms.positions[:] = frame.positions
        atoms.cell[:] = frame.cell
        virial = (-atoms.get_volume() * atoms.get_stress(voigt=False)).tolist()
        out.append({"energy": atoms.get_potential_energy(), "forces": atoms.get_forces().tolist(), "virial": virial})
print(json.dumps(out))
sys.exit(client.wait(timeout=30))
