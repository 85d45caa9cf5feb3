// The EAM force provider (`type = "eam"`): LAMMPS's pair_style eam, eam/alloy
// and eam/fs, reproducing LAMMPS to rounding (same tables, same splines, same
// clamping; see eam_tables.hpp).
//
// Config ([potential] section):
//   type   = "eam"
//   file   = "Cu_u3.eam"      EAM potential file. Relative paths refer to the config's
//                             directory; a bare file name that does not exist there is
//                             looked up in $LAMMPS_POTENTIALS and then in
//                             /usr/share/lammps/potentials/ (Debian's `lammps` package).
//   format = "funcfl" | "setfl" | "fs"   optional; guessed from the name:
//                             *.eam → funcfl (pair_style eam), *.eam.alloy → setfl
//                             (eam/alloy), *.eam.fs → fs (eam/fs)
//   skin   = 1.0              optional, Å: Verlet skin of the cached neighbour list
// Atoms are matched to the file's elements by atomic number (funcfl: the
// element of the atomic number in the file's second line).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/core/compact_neighbors.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/classical/eam_tables.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc {

struct EamOptions {
  double skin = 1.0;     // Å
  std::string source;    // file name for description() and errors
};

class EamProvider final : public ForceProvider {
 public:
  EamProvider(EamTables tables, EamOptions options);

  // Energy (eV), forces (eV/Å, N×3), virial W = −∂E/∂ε (eV) and per-atom
  // energies (eV; F_i(ρ_i) + ½ Σ_j φ_ij, as LAMMPS's pe/atom) of `frame`.
  // Throws Error if an atom's element is not in the potential, EngineError for
  // non-finite positions or two atoms closer than 1e-10 Å. After the first call
  // only the result vectors are allocated (and the neighbour list on rebuilds).
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override;
  double cutoff() const override { return tables_.cutoff; }
  std::string description() const override;

  const EamTables& tables() const { return tables_; }
  const NeighborList& neighbor_list() const { return list_; }
  // Per-atom electron densities ρ_i of the last compute() (file units).
  const std::vector<double>& densities() const { return rho_; }

 private:
  void assign_types(const Frame& frame);
  EamTables tables_;
  EamOptions options_;
  NeighborList list_;
  std::vector<int> element_of_z_;  // atomic number → element index, −1 if absent
  std::vector<int> types_;         // per atom, element index
  std::vector<int> types_numbers_; // the numbers types_ were made for
  std::vector<double> rho_, dF_;   // per atom ρ_i and F'(ρ_i)
  CompactNeighbors compact_;       // list_ in 8-byte entries for the hot loops
};

// Finds an EAM file as the `file` key does (see above); returns the path or throws Error.
std::string find_eam_file(const std::string& file, const std::string& base_dir);

}  // namespace slhmc
