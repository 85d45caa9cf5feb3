// Weighted sum of force providers (Δ-learning, SLHMC-MIX):
//   E = Σ_t w_t E_t, and likewise forces, virial and per-atom energies.
// Registered as type "sum". Config: one sub-table per term, in file order,
// each with a `weight` (default 1) and the keys of its own provider:
//   [potential]
//   type = "sum"
//   [potential.terms.base]
//   weight = 1.0
//   type = "sw"
//   file = "Si.sw"
//   [potential.terms.correction]
//   weight = -0.5
//   type = "lj"
//   ...
// (Named sub-tables rather than a TOML array of tables because Config reads
// tables by name.) The extras of the terms are combined into a JSON object
// {"terms": [{"name": ..., "extras": ...}, ...]} when any term has extras.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

struct WeightedTerm {
  std::string name;
  double weight = 1.0;
  std::unique_ptr<ForceProvider> provider;
};

// The sum of `terms` (at least one).
std::unique_ptr<ForceProvider> make_weighted_sum(std::vector<WeightedTerm> terms);

}  // namespace slhmc
