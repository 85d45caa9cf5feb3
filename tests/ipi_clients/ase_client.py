#!/usr/bin/python3
"""An ASE calculator as an i-PI client through ASE's own SocketClient.

usage: ase_client.py STRUCTURE.xyz (unix:NAME | HOST:PORT) [emt|zero]
The structure gives the atoms (species, order, pbc); the server sends
positions and cells. `zero` is a trivial calculator (for benchmarks)."""
import sys

from ase.calculators.calculator import Calculator, all_changes
from ase.calculators.emt import EMT
from ase.calculators.socketio import SocketClient
from ase.io import read


class Zero(Calculator):
    implemented_properties = ["energy", "forces", "stress"]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        n = len(self.atoms)
        self.results = {"energy": 1.0, "forces": [[0.0, 0.0, 0.0]] * n,
                        "stress": [1e-3, 1e-3, 1e-3, 0.0, 0.0, 0.0]}


atoms = read(sys.argv[1])
atoms.calc = EMT() if len(sys.argv) < 4 or sys.argv[3] == "emt" else Zero()
address = sys.argv[2]
if address.startswith("unix:"):
    client = SocketClient(unixsocket=address[5:])
else:
    host, port = address.rsplit(":", 1)
    client = SocketClient(host=host, port=int(port))
client.run(atoms, use_stress=True)
