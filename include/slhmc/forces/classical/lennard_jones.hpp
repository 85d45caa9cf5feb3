// Lennard-Jones pair potential, shifted to zero energy at the cutoff (as
// LAMMPS `pair_style lj/cut` with `pair_modify shift yes`):
//   φ(r) = 4ε[(σ/r)¹² − (σ/r)⁶] − φ_LJ(r_c) for r < r_c.
// Registered as type "lj". Config keys of its section:
//   cutoff   = 8.5          # Å, default cutoff of every pair
//   epsilon  = 0.0104       # eV ┐ single-species shortcut: one parameter set
//   sigma    = 3.4          # Å  ┘ for every element (no species tables then)
//   mixing   = "geometric"  # or "arithmetic": rule for pairs not given explicitly
//   skin     = 1.0          # Å, Verlet skin of the cached neighbour list
//   [potential.species.Ar]  epsilon, sigma, optional cutoff   (per element)
//   [potential.pairs.Ar-Kr] epsilon, sigma, optional cutoff   (overrides mixing)
// Mixing follows LAMMPS: geometric ε_ij = √(ε_i ε_j), σ_ij = √(σ_i σ_j),
// r_c,ij = √(r_c,i r_c,j); arithmetic uses (σ_i+σ_j)/2 and (r_c,i+r_c,j)/2.
#pragma once

#include <memory>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

std::unique_ptr<ForceProvider> make_lennard_jones(const Config& section, const ProviderContext& context);

}  // namespace slhmc
