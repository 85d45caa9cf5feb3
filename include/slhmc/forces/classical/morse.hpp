// Morse pair potential, shifted to zero energy at the cutoff (as LAMMPS
// `pair_style morse` with `pair_modify shift yes`):
//   φ(r) = D0[e^{−2α(r−r0)} − 2e^{−α(r−r0)}] − φ_M(r_c) for r < r_c.
// Registered as type "morse". Config keys of its section:
//   cutoff = 8.0     # Å, default cutoff of every pair
//   d0 = 0.3429      # eV  ┐
//   alpha = 1.3588   # 1/Å ├ single-species shortcut (every element)
//   r0 = 2.866       # Å   ┘
//   skin = 1.0       # Å, Verlet skin of the cached neighbour list
//   [potential.pairs.Cu-Ni] d0, alpha, r0, optional cutoff
// With pair tables every pair of the elements named must be given (LAMMPS
// has no mixing rule for Morse either).
#pragma once

#include <memory>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

std::unique_ptr<ForceProvider> make_morse(const Config& section, const ProviderContext& context);

}  // namespace slhmc
