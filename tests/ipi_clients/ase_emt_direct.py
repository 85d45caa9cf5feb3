#!/usr/bin/python3
"""ASE's EMT evaluated directly, for comparison with the socket route.

usage: ase_emt_direct.py STRUCTURES.xyz  -> JSON list, one entry per frame:
{"energy": eV, "forces": [[eV/A]*3]*N, "virial": 3x3 eV (W = -V * stress)}"""
import json
import sys

from ase.calculators.emt import EMT
from ase.io import read

out = []
for atoms in read(sys.argv[1], index=":"):
    atoms.calc = EMT()
    virial = (-atoms.get_volume() * atoms.get_stress(voigt=False)).tolist()
    out.append({"energy": atoms.get_potential_energy(), "forces": atoms.get_forces().tolist(), "virial": virial})
print(json.dumps(out))
