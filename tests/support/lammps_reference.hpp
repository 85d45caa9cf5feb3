// Reference energies, forces and virials from LAMMPS (the Debian `lammps`
// package, binary `lmp`) for any pair style, to check our providers against.
//
//   if (!slhmc::test::lammps_available()) GTEST_SKIP() << "lmp not installed";
//   auto ref = slhmc::test::run_lammps(frame, {"Si", "C"},
//       "pair_style tersoff\npair_coeff * * /usr/share/lammps/potentials/SiC.tersoff Si C\n", tmp.path());
//
// How: the frame is written as a LAMMPS data file (atom_style atomic, units
// metal). LAMMPS wants a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz), so the cell
// is rotated by the orthogonal Q whose rows are â, the unit part of b normal
// to â, and ±â×b̂ (the sign that makes lz > 0; a left-handed cell gets a
// reflection, to which energies are equally invariant). Positions r' = Q r,
// then the tilts are reduced to LAMMPS's limits by lattice translations
// (same periodic crystal) and atoms wrapped into the box. The results are
// rotated back: F = Qᵀ F', W = Qᵀ W' Q.
// The virial comes from `compute pressure NULL virial`: LAMMPS reports
// P_ab = W_ab · nktv2p / V with nktv2p = 1.6021765e6 in metal units, so
// W = P·V/nktv2p (W = −∂E/∂ε; the sign is pinned by the tests that compare
// with our finite-difference-checked virials). Everything is printed with
// %.17g, so agreement is limited only by the two codes' arithmetic.
// Cells: fully periodic (boundary p p p) or no periodicity at all (boundary
// f f f, box around the atoms); mixed periodicity throws.
#pragma once

#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"

namespace slhmc::test {

struct LammpsResult {
  double energy = 0.0;      // eV
  std::vector<Vec3> forces; // N×3 eV/Å, our atom order and orientation
  Mat3 virial{};            // eV, W = −∂E/∂ε in our orientation
};

// True if the `lmp` program is on PATH.
bool lammps_available();

// Runs `lmp` with `run 0` on `frame` in `workdir` (an existing directory; files
// data.lmp, in.lmp, forces.dump, result.txt, lammps.log are written there).
// `type_symbols_in_order`: the element of LAMMPS atom type 1, 2, ...; every
// atom's element must be among them. `pair_commands`: the pair_style and
// pair_coeff lines (plus e.g. pair_modify), newline-separated. Throws
// std::runtime_error with the tail of the LAMMPS log if LAMMPS fails.
LammpsResult run_lammps(const Frame& frame, const std::vector<std::string>& type_symbols_in_order,
                        const std::string& pair_commands, const std::string& workdir);

}  // namespace slhmc::test
