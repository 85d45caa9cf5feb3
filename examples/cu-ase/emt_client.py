#!/usr/bin/python3
"""ASE's EMT calculator as the reference of examples/cu-ase, through ASE's own
i-PI client. slhmc starts this program and sends it every geometry.

usage: emt_client.py SOCKET_NAME SYMBOL COUNT
Any ASE calculator works the same way: replace EMT() by GPAW(...), MACE, ..."""
import sys

from ase import Atoms
from ase.calculators.emt import EMT
from ase.calculators.socketio import SocketClient

name, symbol, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
# Only the species and their order matter here: positions and cell come from slhmc.
atoms = Atoms(symbol + str(count), cell=[1.0, 1.0, 1.0], pbc=True)
atoms.calc = EMT()
SocketClient(unixsocket=name).run(atoms, use_stress=True)
